// Which scopes reach the customers' own data: those on `leads` or `payments`, whatever
// the catalogue says, and those on any resource the catalogue flags sensitive. Such scopes
// need an operator-approved data flow (the policy) and only they may be given one (admin).
import { parseScope, type ScopeCatalogue } from '../scopes/index.ts';

const CUSTOMER_DATA_RESOURCES = ['leads', 'payments'];

export function isCustomerDataScope(catalogue: ScopeCatalogue, scope: string): boolean {
  const resource = parseScope(scope)?.resource;
  if (resource === undefined) return false;
  return (
    CUSTOMER_DATA_RESOURCES.includes(resource) ||
    catalogue.entries.some((e) => e.resource === resource && e.sensitive)
  );
}
