/**
 * A large but realistic runbook: phases of sections of task items, some
 * nested, some with code blocks, some stating thresholds.
 */
export function generateRunbook(items: number): string {
  const out: string[] = ['# Generated Platform Migration Runbook', '', '**Owner**: release management', ''];
  let made = 0;
  for (let phase = 1; made < items; phase++) {
    out.push(`## Phase ${phase}: Wave ${phase} rollout`, '');
    for (let section = 1; section <= 10 && made < items; section++) {
      out.push(`### ${phase}.${section} Service group ${section}`, '');
      for (let i = 1; i <= 100 && made < items; i++, made++) {
        const n = `${phase}.${section}.${i}`;
        if (i % 10 === 0) out.push(`- [ ] **Verify step ${n}**: error rate < 1% and p95 < 300ms on \`svc-${i}\``);
        else if (i % 5 === 0) {
          out.push(`  - [ ] Sub-check ${n}: cache hit rate > 80%`);
        } else out.push(`- [${i % 13 === 0 ? 'x' : ' '}] Step ${n}: deploy \`svc-${i}\` and check [dashboard](https://grafana.example.com/d/${i})`);
        if (i % 25 === 0) out.push('  ```bash', `  kubectl rollout status deployment/svc-${i} -n wave-${phase}`, '  ```');
      }
      out.push('');
    }
  }
  return out.join('\n') + '\n';
}
