/** The management API shapes several resources share: references, content keys and content, paging. */

export type ReferenceType = 'BRANCH' | 'TAG';

export interface Reference {
  type: ReferenceType;
  name: string;
  hash: string;
}

export interface ContentKey {
  elements: string[];
}

/** Content as the API returns it (a namespace, an Iceberg table or view; other fields per type). */
export interface Content {
  type: 'NAMESPACE' | 'ICEBERG_TABLE' | 'ICEBERG_VIEW' | string;
  id: string;
  [field: string]: unknown;
}

export interface EffectiveReference {
  type: ReferenceType | 'DETACHED';
  name?: string;
  hash: string;
}

export interface Paged {
  token: string | null;
  hasMore: boolean;
}

export interface PageOptions {
  maxRecords?: number;
  pageToken?: string;
}
