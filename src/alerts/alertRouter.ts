/** Which coordinators hear about a person's alerts, from the postcode they gave. */

export interface CoordinatorTarget {
  channel: string;
  address: string;
}

export interface Territory {
  id: string;
  /** The territory's name, or undefined for the unnamed default one. */
  name?: string;
  targets: CoordinatorTarget[];
  /** The number people can call. */
  phone?: string;
  /** Alerts not taken within this many hours are posted again. */
  takeWithinHours: number;
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
  const t: Territory = { id: DEFAULT_TERRITORY_ID, takeWithinHours: 48, ...territory };
  return { route: () => t, all: () => [t], byId: (id) => (id === t.id ? t : undefined) };
}
