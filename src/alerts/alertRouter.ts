/** Which coordinators hear about a person's alerts, from the postcode they gave. */
import type { Domain } from '../../flows/step1/types.js';

export interface CoordinatorTarget {
  channel: string;
  address: string;
}

/** A local service offered in the summary and the alert details for a flagged domain. */
export interface Resource {
  name: string;
  phone?: string;
  offer?: string;
}

export interface Territory {
  id: string;
  /** The territory's name, or undefined for the unnamed default one. */
  name?: string;
  targets: CoordinatorTarget[];
  /** The number people can call. */
  phone?: string;
  /** Alerts not taken within this delay are posted again (ISO-8601 duration). */
  takeWithin: string;
  /** Not taken after this delay: posted to the escalation group (ISO-8601), if there is one. */
  escalateAfter?: string;
  /** The same for urgent alerts (shorter). */
  urgentEscalateAfter?: string;
  escalationTargets: CoordinatorTarget[];
  /** The usual delay before someone calls back (ISO-8601), said in the summary. */
  callbackWithin?: string;
  /** Above this many open alerts, the summary says the team is busy and gives its phone. */
  busyAbove?: number;
  resources: Partial<Record<Domain, Resource[]>>;
  /** The postcode matched no territory: this is the default one. */
  unrouted?: boolean;
}

export interface AlertRouter {
  route(postcode: string | null | undefined): Territory;
  all(): Territory[];
  byId(id: string): Territory | undefined;
}

export const DEFAULT_TERRITORY_ID = 'default';

/** One territory for everyone, from environment variables: the set-up of a small network. */
export function singleTerritoryRouter(territory: Partial<Territory> & Pick<Territory, 'targets'>): AlertRouter {
  const t: Territory = { id: DEFAULT_TERRITORY_ID, takeWithin: 'PT48H', escalationTargets: [], resources: {}, ...territory };
  return { route: () => t, all: () => [t], byId: (id) => (id === t.id ? t : undefined) };
}
