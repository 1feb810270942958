// SitePack's default scope catalogue (DESIGN.md §2), used when CONFIG_DIR has no
// scopes.json; config/scopes.json ships the same entries for operators to edit.
import { buildCatalogue, type ScopeCatalogue } from './catalogue.ts';

/** The JSON of the default `config/scopes.json`. */
export const SITEPACK_SCOPES_JSON = {
  scopes: [
    { scope: 'content:read', description: 'Read access to site pages, blocks, and content.' },
    { scope: 'content:write', description: 'Write access to site pages and content.' },
    { scope: 'media:read', description: 'View and list media files in the library.' },
    { scope: 'media:write', description: 'Upload and manage media files.' },
    {
      scope: 'leads:read',
      description: 'Read form submissions and lead data.',
      sensitive: 'customer_data',
    },
    {
      scope: 'leads:write',
      description: 'Create or update lead information.',
      sensitive: 'customer_data',
    },
    {
      scope: 'payments:read',
      description: 'View transaction history and payment status.',
      sensitive: 'payments',
    },
    {
      scope: 'payments:write',
      description: 'Initiate or manage payments (where applicable).',
      sensitive: 'payments',
    },
  ],
} as const;

/** The SitePack catalogue, built from {@link SITEPACK_SCOPES_JSON}. */
export function sitepackCatalogue(): ScopeCatalogue {
  const built = buildCatalogue(SITEPACK_SCOPES_JSON);
  if (!built.ok)
    throw new Error(`built-in scope catalogue is invalid: ${JSON.stringify(built.problems)}`);
  return built.catalogue;
}
