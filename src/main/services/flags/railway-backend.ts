/**
 * A flag kept as a Railway variable, through Railway's public GraphQL API
 * (POST apiUrl, Authorization: Bearer <token>): the mutation
 * variableUpsert(input: { projectId, environmentId, serviceId, name, value })
 * answers true, and the query variables(projectId, environmentId,
 * serviceId) answers the map of name to value. Variables are strings; a
 * GraphQL answer with errors did not apply the mutation.
 */
import type { Dispatcher } from 'undici';
import { FlightdeckError } from '../../../shared/errors';
import type { FlagBackendConfig } from '../profile/flags-schema';
import type { FlagBackend, FlagValue } from './flag-backend';
import { requestJson, scrubSecrets } from './http-json';
import { httpDestination } from '../vault/destination';
import { resolveSecret, type SecretResolver } from '../vault/secrets';

type RailwayConfig = Extract<FlagBackendConfig, { type: 'railway' }>;

export const RAILWAY_VARIABLES_QUERY = `query flightdeckVariables($projectId: String!, $environmentId: String!, $serviceId: String) {
  variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId)
}`;

export const RAILWAY_UPSERT_MUTATION = `mutation flightdeckVariableUpsert($input: VariableUpsertInput!) {
  variableUpsert(input: $input)
}`;

export class RailwayFlagBackend implements FlagBackend {
  readonly target: string;

  constructor(
    private readonly config: RailwayConfig,
    private readonly deps: { secrets: SecretResolver; dispatcher?: Dispatcher },
  ) {
    const scope = config.serviceId ? `service ${config.serviceId}` : 'shared';
    this.target = `railway ${scope} env ${config.environmentId} var ${config.var}`;
  }

  async read(signal: AbortSignal): Promise<FlagValue> {
    const { projectId, environmentId, serviceId } = this.config;
    const data = await this.graphql(RAILWAY_VARIABLES_QUERY, { projectId, environmentId, serviceId: serviceId ?? null }, signal);
    const variables = data.variables;
    if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
      throw new FlightdeckError('bad-input', `${this.target}: Railway answered without a variables map`);
    }
    const value = (variables as Record<string, unknown>)[this.config.var];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw new FlightdeckError('bad-input', `${this.target}: the variable is not a string`);
    return value;
  }

  async write(value: FlagValue, signal: AbortSignal): Promise<void> {
    if (value === null) throw new FlightdeckError('bad-input', `${this.target}: Railway variables hold strings; removing one is not a flag write`, { field: 'value' });
    const { projectId, environmentId, serviceId } = this.config;
    const input = { projectId, environmentId, ...(serviceId ? { serviceId } : {}), name: this.config.var, value: String(value) };
    const data = await this.graphql(RAILWAY_UPSERT_MUTATION, { input }, signal);
    if (data.variableUpsert !== true) throw new FlightdeckError('conflict', `${this.target}: Railway did not confirm the upsert`);
  }

  async close(): Promise<void> {
    // Nothing held: each call is one request on the shared dispatcher.
  }

  private async graphql(query: string, variables: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>> {
    const token = resolveSecret(this.config.token, this.deps.secrets, httpDestination(this.config.apiUrl));
    const answer = await requestJson({
      url: this.config.apiUrl,
      method: 'POST',
      headers: { Authorization: `Bearer ${token.value}` },
      body: { query, variables },
      signal,
      dispatcher: this.deps.dispatcher,
      what: this.target,
      secretValues: [token.value],
    });
    const json = answer.json as { data?: unknown; errors?: unknown } | undefined;
    if (Array.isArray(json?.errors) && json.errors.length > 0) {
      const messages = json.errors.map((e: unknown) => (typeof e === 'object' && e !== null ? String((e as { message?: unknown }).message ?? 'error') : String(e)));
      throw new FlightdeckError(messages.some((m) => /not authori[sz]ed/i.test(m)) ? 'forbidden' : 'conflict', scrubSecrets(`${this.target}: ${messages.join('; ')}`, [token.value]));
    }
    if (typeof json?.data !== 'object' || json.data === null) throw new FlightdeckError('bad-input', `${this.target}: Railway answered without data`);
    return json.data as Record<string, unknown>;
  }
}
