/**
 * The store's behaviour contracts, for test suites outside this package (e.g. the PostgreSQL lane in test/, which
 * needs a running database server): `@ratatouille/catalog-server/testing`.
 */
export { describeVersionStoreContract } from './store/contract.ts';
export { describeCompanionContract, type CompanionFixture } from './store/companions-contract.ts';
export { DELIVERY_CLAIM_LEASE_MS } from './store/companions.ts';
export { describeColdReadContract, type ColdReadFixture } from './store/contract-cold-reads.ts';
export { describePipelinedCommitContract, type GroupCountingStore } from './store/contract-pipelined.ts';
export { key, put, storeSteps } from './store/contract-fixture.ts';
