/** Which coordinators hear about a person's alerts, from the postcode they gave. */

export interface CoordinatorTarget {
  channel: string;
  address: string;
}

export interface Territory {
  /** The territory's name, or undefined for the unnamed default one. */
  name?: string;
  targets: CoordinatorTarget[];
}

export interface AlertRouter {
  route(postcode: string | null | undefined): Territory;
}

/** One territory for everyone: the set-up of a small network (issue 4 adds a territories file). */
export function singleTerritoryRouter(territory: Territory): AlertRouter {
  return { route: () => territory };
}
