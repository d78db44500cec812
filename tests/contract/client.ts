// A typed client over the generated types (check.sh copies this next to giteki-api.d.ts): if
// the document stops describing these operations and bodies, tsc fails here.
import type { components, paths } from './giteki-api';

type Application = components['schemas']['Application'];
type Problem = components['schemas']['Problem'];
type SearchPage =
  paths['/api/v1/certificates']['get']['responses']['200']['content']['application/json'];
type Submitted =
  paths['/api/v1/applications/{id}/submit']['post']['responses']['200']['content']['application/json'];

export function describe(a: Application): string {
  return `${a.id} ${a.status} ${a.device.model_name}`;
}

export function firstNumber(page: SearchPage): string | null {
  return page.items.length > 0 ? page.items[0].number : page.next;
}

export function submittedOn(a: Submitted): string | null | undefined {
  return a.filing_date;
}

export function why(p: Problem): string[] {
  return p.errors.map((e) => `${e.field}: ${e.message}`);
}
