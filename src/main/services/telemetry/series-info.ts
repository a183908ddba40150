/**
 * Names what the graphs show: a series id is `<probe>/<metric>`, its label
 * and unit come from the probe's sample when it names them, else from the
 * metric vocabulary. Also the display target of a probe that
 * could not be created yet, without credentials.
 */
import { METRICS, type MetricName } from '../../../shared/metrics';
import type { SeriesInfo } from '../../../shared/telemetry-model';
import type { ProbeConfig } from '../profile/probes-schema';
import type { ProbeSample } from '../probes/probe';
import { displayTarget, secretTarget } from '../probes/target-display';

export function seriesId(probe: string, metric: string): string {
  return `${probe}/${metric}`;
}

export function seriesInfo(probe: string, sample: ProbeSample): SeriesInfo {
  const known = Object.hasOwn(METRICS, sample.metric) ? METRICS[sample.metric as MetricName] : null;
  return {
    id: seriesId(probe, sample.metric),
    probe,
    metric: sample.metric,
    label: sample.label ?? known?.label ?? sample.metric,
    unit: sample.unit ?? known?.unit ?? '',
  };
}

export function configTarget(config: ProbeConfig): string {
  switch (config.kind) {
    case 'tls':
      return `${config.host}:${config.port}`;
    case 'mongodb':
      return typeof config.url === 'string' ? displayTarget(config.url) : secretTarget('mongodb', config.url.secret);
    default:
      return displayTarget(config.url);
  }
}
