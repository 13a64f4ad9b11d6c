/**
 * A CSV laid out for ICOPE MONITOR, the French national Step 1 tool (Gérontopôle de Toulouse):
 * French field names, French values, ";" between fields and "," in decimals, dates as dd/MM/yyyy.
 *
 * The mapping is data (ICOPE_MONITOR_MAPPING) and is documented in docs/icope-monitor-mapping.md.
 * ICOPE MONITOR's own import or export field names are not published anywhere we could read: these
 * names are ours, taken from the wording of the French ICOPE Step 1 forms (WHO screening tool in
 * French), and `confirmed: false` says so. Once the Gérontopôle gives the real names, only this
 * table changes.
 */
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { csvRecord } from './csv.js';
import type { ExportedScreening } from './load.js';
import { CHAIR_THRESHOLD_SECONDS, type Domain, type ItemId } from './readings.js';

export interface MonitorField {
  /** Our column in the pseudonymised CSV (an item id, M1_seconds, an identity column or `<domain>_result`). */
  from: string;
  /** The field in the ICOPE MONITOR layout. */
  field: string;
  /** What it holds, in the French form's words. */
  label: string;
  /** Our value → theirs. A value not listed passes unchanged (numbers get a decimal comma, see `numeric`). */
  values?: Readonly<Record<string, string>>;
  /** A number: written with the decimal separator below. */
  numeric?: true;
  /** A date (YYYY-MM-DD in our CSV): written in `dateFormat`. */
  date?: true;
}

const T = CHAIR_THRESHOLD_SECONDS;
const YES_NO = { yes: 'oui', no: 'non', dont_know: 'ne_sait_pas', not_assessed: 'non_evalue' } as const;
const ORIENTATION = { correct: 'juste', wrong: 'faux', incomplete: 'incomplet', dont_know: 'ne_sait_pas', not_assessed: 'non_evalue' } as const;
const RESULT = { normal: 'non', alert: 'oui', not_assessed: 'a_completer' } as const;

const item = (from: ItemId | 'M1_seconds', field: string, label: string, rest: Omit<MonitorField, 'from' | 'field' | 'label'>): MonitorField => ({ from, field, label, ...rest });
const domain = (d: Domain, field: string, label: string): MonitorField => ({ from: `${d}_result`, field, label, values: RESULT });

export const ICOPE_MONITOR_MAPPING = {
  /** The field names below could not be checked against ICOPE MONITOR itself. */
  confirmed: false,
  source: 'Field names from the French ICOPE Step 1 forms (WHO screening tool); not confirmed with the Gérontopôle de Toulouse.',
  delimiter: ';',
  decimalSeparator: ',',
  /** luxon format of dates. */
  dateFormat: 'dd/MM/yyyy',
  fields: [
    { from: 'pseudonym', field: 'identifiant_pseudonyme', label: 'Identifiant pseudonymisé de la personne' },
    { from: 'screening', field: 'identifiant_step1', label: 'Identifiant pseudonymisé du STEP 1' },
    { from: 'completed_date', field: 'date_step1', label: 'Date du STEP 1', date: true },
    { from: 'kind', field: 'type_step1', label: 'STEP 1 initial ou de suivi', values: { initial: 'initial', follow_up: 'suivi' } },
    { from: 'mode', field: 'realise_par', label: 'Réalisé par', values: { self: 'autoevaluation', relative: 'aidant', helper: 'intervenant' } },
    {
      from: 'helper_kind',
      field: 'profession_intervenant',
      label: "Profession de l'intervenant",
      values: {
        pharmacist: 'pharmacien',
        nurse: 'infirmier',
        doctor: 'medecin',
        physio: 'kinesitherapeute',
        home_helper: 'aide_a_domicile',
        social_worker: 'travailleur_social',
        volunteer: 'benevole',
        other: 'autre',
      },
    },
    { from: 'age_band', field: 'tranche_age', label: "Tranche d'âge (5 ans)", values: { under_60: 'moins_de_60', '90+': '90_et_plus' } },
    { from: 'postcode', field: 'code_postal', label: 'Code postal' },
    { from: 'territory', field: 'territoire', label: 'Territoire (CPTS, MSP, DAC)' },
    { from: 'questionnaire_version', field: 'version_questionnaire', label: 'Version du questionnaire' },

    item('C1', 'cognition_plainte_memoire', 'Plainte mémoire : mémoire ou orientation aggravée ces 6 derniers mois', { values: YES_NO }),
    item('C2', 'cognition_trois_mots_presentes', 'Trois mots à retenir présentés (fleur, porte, riz)', { values: { presented: 'oui', not_assessed: 'non_evalue' } }),
    item('C3_date', 'cognition_orientation_date', "Orientation dans le temps : date du jour (jour, mois, année)", { values: ORIENTATION }),
    item('C3_day', 'cognition_orientation_jour_semaine', 'Orientation dans le temps : jour de la semaine', { values: ORIENTATION }),
    item('C4', 'cognition_rappel_trois_mots', 'Rappel des trois mots : nombre de mots rappelés (0 à 3)', { values: { not_assessed: 'non_evalue' }, numeric: true }),
    item('M1', 'mobilite_lever_chaise', `Test du lever de chaise : 5 levers sans les bras en moins de ${T} secondes`, {
      values: { [`under_${T}s`]: `moins_de_${T}s`, [`${T}s_or_more`]: `${T}s_ou_plus`, unable: 'impossible', not_assessed: 'non_evalue' },
    }),
    item('M1_seconds', 'mobilite_lever_chaise_secondes', 'Test du lever de chaise : durée en secondes', { numeric: true }),
    item('N1', 'nutrition_perte_poids', 'Perte de poids de plus de 3 kg sans le vouloir ces 3 derniers mois', { values: YES_NO }),
    item('N2', 'nutrition_perte_appetit', "Perte d'appétit", { values: YES_NO }),
    item('N3', 'nutrition_poids_kg', 'Poids (kg)', { values: { skipped: 'non_renseigne', not_assessed: 'non_evalue' }, numeric: true }),
    item('V1', 'vision_probleme_yeux', 'Problème aux yeux : voir de loin, lire, maladie des yeux, traitement du diabète ou de l’hypertension', { values: YES_NO }),
    item('H1', 'audition_plainte', 'Impression d’entendre moins bien', { values: YES_NO }),
    item('H2', 'audition_test_chuchotement', 'Test du chuchotement (vide : pas de seconde personne)', { values: { passed: 'reussi', failed: 'echoue', not_assessed: 'non_evalue' } }),
    item('P1', 'psychologie_deprime', 'Ces 2 dernières semaines : déprimé(e) ou sans espoir', { values: YES_NO }),
    item('P2', 'psychologie_perte_interet', 'Ces 2 dernières semaines : peu d’intérêt ou de plaisir à faire les choses', { values: YES_NO }),

    domain('cognition', 'alerte_cognition', 'Alerte cognition'),
    domain('mobility', 'alerte_mobilite', 'Alerte mobilité'),
    domain('nutrition', 'alerte_nutrition', 'Alerte nutrition (vitalité)'),
    domain('vision', 'alerte_vision', 'Alerte vision'),
    domain('hearing', 'alerte_audition', 'Alerte audition'),
    domain('mood', 'alerte_psychologie', 'Alerte psychologie (humeur)'),
  ] satisfies MonitorField[] as readonly MonitorField[],
} as const;

export const ICOPE_MONITOR_COLUMNS: readonly string[] = ICOPE_MONITOR_MAPPING.fields.map((f) => f.field);

/** One of our values written for ICOPE MONITOR. */
export function convertValue(f: MonitorField, value: string): string {
  if (value === '') return '';
  const mapped = f.values?.[value];
  if (mapped !== undefined) return mapped;
  if (f.date) return DateTime.fromISO(value).toFormat(ICOPE_MONITOR_MAPPING.dateFormat);
  if (f.numeric && /^-?\d+(\.\d+)?$/.test(value)) return value.replace('.', ICOPE_MONITOR_MAPPING.decimalSeparator);
  return value;
}

export function icopeMonitorRecord(s: ExportedScreening): Record<string, string> {
  const ours = csvRecord(s);
  return Object.fromEntries(ICOPE_MONITOR_MAPPING.fields.map((f) => [f.field, convertValue(f, ours[f.from] ?? '')]));
}

export function toIcopeMonitorCsv(screenings: readonly ExportedScreening[]): string {
  return stringify(screenings.map(icopeMonitorRecord), {
    header: true,
    columns: [...ICOPE_MONITOR_COLUMNS],
    delimiter: ICOPE_MONITOR_MAPPING.delimiter,
    record_delimiter: 'windows',
    escape_formulas: true,
  });
}
