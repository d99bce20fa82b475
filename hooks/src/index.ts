export { installHooks, type InstallHooksOptions, type InstallReport } from './install-hooks.ts';
export { uninstallHooks, type UninstallReport } from './uninstall-hooks.ts';
export { RAT_HOOKS, HOOK_MARKER, type RatHook } from './hook-names.ts';
