/** `@ratatouille/iceberg/lockstep`: git lockstep conventions shared by git-sync and the catalog server. */
export { dataBranchFor, type BranchMapping } from './data-branch-for.ts';
export { PROVENANCE } from './provenance.ts';
