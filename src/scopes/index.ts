// Scopes, pure: the `resource:action` grammar, the catalogue, `write ⇒ read`, and the
// set algebra every edge uses (consent page, gateway, webhooks, access modes).
export * from './algebra.ts';
export * from './catalogue.ts';
export * from './grammar.ts';
export * from './group.ts';
export * from './sitepack.ts';
