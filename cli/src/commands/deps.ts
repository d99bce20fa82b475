import type { Command } from 'commander';
import { installPackages, type InstalledPackage } from '@ratatouille/engine';
import { examples } from '../examples.ts';
import { printJsonOutcome } from './run.ts';
import { projectFolder } from './engine-target.ts';

interface DepsFlags {
  project?: string;
  upgrade?: boolean;
  json?: boolean;
}

/** One package's line of `rat deps`. */
export function packageLine(p: InstalledPackage): string {
  if (p.kind === 'local') return `✓ ${p.name}: read from ${p.from}`;
  if (p.kind === 'hub') return `✓ ${p.name}: ${p.from} ${p.revision!} from the hub`;
  return `✓ ${p.name}: ${p.from} at ${p.revision!.slice(0, 12)}`;
}

/** `rat deps`: dbt's deps, the packages of packages.yml installed into dbt_packages/ and pinned in package-lock.yml. */
export function register(program: Command): void {
  program
    .command('deps')
    .description(
      "Install the git and hub packages packages.yml lists (and those they list) into dbt_packages/, pinned to their commits and versions in package-lock.yml (dbt's deps; the hub is DBT_PACKAGE_HUB_URL, else dbt's)",
    )
    .option('--project <dir>', 'folder with bronze/ silver/ gold/ (default: current folder or project config)')
    .option('--upgrade', "resolve each package's revision again instead of installing the locked commits")
    .option('--json', 'print the packages as JSON')
    .addHelpText(
      'after',
      examples('rat deps                            # after editing packages.yml', 'rat deps --upgrade'),
    )
    .action(async (o: DepsFlags) => {
      const install = async () => ({ packages: await installPackages(await projectFolder(o.project), o) });
      if (o.json) {
        await printJsonOutcome(install);
        return;
      }
      const { packages } = await install();
      if (!packages.length) console.log('No packages: packages.yml lists none.');
      for (const p of packages) console.log(packageLine(p));
    });
}
