/**
 * The runbook's certificate threshold becomes the TLS probes' warning line
 * unless the profile sets its own.
 */
import { describe, expect, it } from 'vitest';
import { TlsProbeSchema } from '../../src/main/services/profile/probes-schema';
import { withRunbookThresholds } from '../../src/main/services/telemetry/runbook-bindings';
import { parseText } from '../support/runbooks';

const tls = (extra: Record<string, unknown> = {}) => TlsProbeSchema.parse({ name: 'cert', kind: 'tls', host: 'api.example.com', ...extra });

describe('runbook thresholds bound to probes', () => {
  it('uses "certificates valid (> 45 days)" from the runbook when the profile is silent', () => {
    const doc = parseText('# R\n\n## Checks\n\n- [ ] SSL certificates valid (> 45 days)\n');
    const [probe] = withRunbookThresholds([tls()], doc.thresholds);
    expect(probe).toMatchObject({ kind: 'tls', warnDays: 45 });
  });

  it('keeps the profile\'s own warnDays, and leaves probes alone when the runbook says nothing', () => {
    const doc = parseText('# R\n\n## Checks\n\n- [ ] SSL certificates valid (> 45 days)\n');
    expect(withRunbookThresholds([tls({ warnDays: 10 })], doc.thresholds)[0]).toMatchObject({ warnDays: 10 });
    expect(withRunbookThresholds([tls()], parseText('# R\n\n- [ ] Deploy\n').thresholds)[0]).not.toHaveProperty('warnDays', expect.anything());
  });
});
