/** The GP sheet of one screening, read from the database and rendered as a PDF document to send. */
import type { Domain, Reason } from '../../flows/step1/types.js';
import type { Tx } from '../db/database.js';
import type { AlertPostDeps } from './alertPosts.js';
import { territoryLabel, territoryOf } from './alertPosts.js';
import { gpSheetFileName, renderGpSheetPdf, type GpSheetFacts } from './gpSheet.js';

export async function gpSheetOf(tx: Tx, deps: AlertPostDeps, screeningId: string, lang: string): Promise<{ fileName: string; mimeType: string; dataBase64: string }> {
  const s = await tx.screening.findUniqueOrThrow({
    where: { id: screeningId },
    include: { person: true, results: true, answers: { orderBy: { id: 'asc' } }, alert: true },
  });
  const territory = territoryOf(deps, s.alert?.territoryId ?? deps.router.route(s.person?.postcode).id, s.person?.postcode);
  const facts: GpSheetFacts = {
    lang,
    firstName: s.person?.firstName ?? null,
    birthYear: s.person?.birthYear ?? null,
    screenedAt: s.completedAt ?? s.startedAt,
    timeZone: s.person?.timeZone ?? deps.timeZone,
    instrumentVersion: s.questionnaireVersion,
    mode: s.mode,
    helperKind: s.helperKind,
    results: s.results.map((r) => ({ domain: r.domain as Domain, status: r.status as 'normal' | 'alert' | 'not_assessed', reasons: JSON.parse(r.reasons) as Reason[] })),
    // The latest answer of each item (an item answered again after "back" keeps its last answer).
    answers: [...new Map(s.answers.map((a) => [a.item, { item: a.item, value: a.value }])).values()],
    territoryName: territoryLabel(deps, territory, lang, true),
    ...(territory.phone ? { territoryPhone: territory.phone } : {}),
    gpName: s.person?.hasGp === 'yes' ? (s.person.gpName ?? null) : null,
    ...(s.alert ? { alertId: s.alert.id } : {}),
  };
  const pdf = await renderGpSheetPdf(deps.locales, facts);
  return { fileName: gpSheetFileName(facts), mimeType: 'application/pdf', dataBase64: pdf.toString('base64') };
}
