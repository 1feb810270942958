// The app manifest (`app.json`, DESIGN.md §3): the shape every part of scopegate reads.

export type ClientType = 'public' | 'confidential';

/** A validated `app.json`; `optional_scopes` is always present (empty when not declared). */
export interface AppManifest {
  uuid: string;
  name: string;
  auth: {
    scopes: string[];
    optional_scopes: string[];
    redirect_uris: string[];
    client_type: ClientType;
  };
  webhooks?: {
    url: string;
    topics: string[];
  };
}
