/**
 * The Finish area's link to main: the sign-off table and exports (read
 * again whenever a sign-off or export is journaled, or another session
 * opens), and the calls behind its buttons. Each call throws on failure so
 * the control that asked can say what went wrong beside it.
 */
import { useEffect, useState } from 'react';
import type { VerifyReportResult } from '../../../../shared/report-bundle';
import type { ExportResult, FinishState, PaperSize } from '../../../../shared/report-model';
import { api } from '../../api';
import { toBase64 } from '../checklist/store/commands';
import { onReconnect } from '../connection/connection';

const REFRESH_ON = new Set(['signoff.recorded', 'report.exported', 'session.started', 'session.closed']);

/** The finish state, kept current; null until the first answer. */
export function useFinish(): [FinishState | null, (state: FinishState) => void] {
  const [state, setState] = useState<FinishState | null>(null);
  useEffect(() => {
    let live = true;
    const refetch = () =>
      void api
        .getFinish()
        .then((next) => live && setState(next))
        .catch(() => undefined);
    const offs = [
      api.on('sessionEntry', ({ entry }) => {
        if (REFRESH_ON.has(entry.type)) refetch();
      }),
      api.on('cockpitReplaced', refetch),
      onReconnect(refetch),
    ];
    refetch();
    return () => {
      live = false;
      for (const off of offs) off();
    };
  }, []);
  return [state, setState];
}

export function recordSignoff(role: string, name: string, ownKey: boolean): Promise<FinishState> {
  return api.recordSignoff({ role, name, ownKey });
}

export function exportReport(paper: PaperSize): Promise<ExportResult> {
  return api.exportReport({ paper });
}

export function trustCertificate(): Promise<{ pem: string; fileName: string }> {
  return api.exportTrustCertificate();
}

export async function verifyFiles(files: readonly File[]): Promise<VerifyReportResult> {
  const encoded = await Promise.all(files.slice(0, 2).map(async (file) => ({ name: file.name, base64: toBase64(new Uint8Array(await file.arrayBuffer())) })));
  return api.verifyReport({ files: encoded });
}
