import { FileContent, type DataFile, type ManifestFile } from '@ratatouille/iceberg';

/** The files a commit removes from the table, counted as Iceberg's snapshot summary counts them. */
export class RemovedFiles {
  dataFiles = 0;
  dataRows = 0;
  positionDeleteFiles = 0;
  positionDeletes = 0;
  equalityDeleteFiles = 0;
  equalityDeletes = 0;

  /** A whole data manifest dropped (an overwrite of the table). */
  dataManifest(m: ManifestFile): void {
    this.dataFiles += m.addedFilesCount + m.existingFilesCount;
    this.dataRows += Number(m.addedRowsCount) + Number(m.existingRowsCount);
  }

  file(f: DataFile): void {
    const rows = Number(f.recordCount);
    if (f.content === FileContent.POSITION_DELETES) {
      this.positionDeleteFiles++;
      this.positionDeletes += rows;
    } else if (f.content === FileContent.EQUALITY_DELETES) {
      this.equalityDeleteFiles++;
      this.equalityDeletes += rows;
    } else {
      this.dataFiles++;
      this.dataRows += rows;
    }
  }
}

/**
 * The counting part of a new snapshot's summary (Iceberg's `SnapshotSummary` keys): what it added and removed, and
 * the table's totals after it. Totals of data files, records and delete files come from the manifest list; the
 * position and equality deletes (rows) from the parent's totals less what was removed, since a delete manifest's
 * counts do not tell the two kinds apart; omitted when the parent does not say and delete files remain.
 *
 * @example snapshotTotals(written, removed, manifests, parent?.summary)['total-records'] // '1200'
 */
export function snapshotTotals(
  added: DataFile[],
  removed: RemovedFiles,
  manifests: ManifestFile[],
  parentSummary: Record<string, string> | undefined,
): Record<string, string> {
  const total = (content: number, f: (m: ManifestFile) => number) =>
    manifests.filter((m) => (content === 0 ? m.content === 0 : m.content !== 0)).reduce((a, m) => a + f(m), 0);
  const out: Record<string, string> = {
    'added-data-files': String(added.length),
    'added-records': String(added.reduce((a, f) => a + Number(f.recordCount), 0)),
    'added-files-size': String(added.reduce((a, f) => a + Number(f.fileSizeInBytes), 0)),
    'deleted-data-files': String(removed.dataFiles),
    'deleted-records': String(removed.dataRows),
  };
  const removedDeleteFiles = removed.positionDeleteFiles + removed.equalityDeleteFiles;
  if (removedDeleteFiles > 0) {
    out['removed-delete-files'] = String(removedDeleteFiles);
    out['removed-position-delete-files'] = String(removed.positionDeleteFiles);
    out['removed-equality-delete-files'] = String(removed.equalityDeleteFiles);
    out['removed-position-deletes'] = String(removed.positionDeletes);
    out['removed-equality-deletes'] = String(removed.equalityDeletes);
  }
  const deleteFiles = total(1, (m) => m.addedFilesCount + m.existingFilesCount);
  out['total-data-files'] = String(total(0, (m) => m.addedFilesCount + m.existingFilesCount));
  out['total-records'] = String(total(0, (m) => Number(m.addedRowsCount) + Number(m.existingRowsCount)));
  out['total-delete-files'] = String(deleteFiles);
  // The engine adds no delete files: what remains is the parent's less what this commit removed.
  const left = (key: string, removedRows: number) => {
    if (deleteFiles === 0) return 0;
    const v = parentSummary?.[key];
    return v !== undefined && /^\d+$/.test(v) ? Math.max(0, Number(v) - removedRows) : undefined;
  };
  const positions = left('total-position-deletes', removed.positionDeletes);
  const equalities = left('total-equality-deletes', removed.equalityDeletes);
  if (positions !== undefined && equalities !== undefined) {
    out['total-position-deletes'] = String(positions);
    out['total-equality-deletes'] = String(equalities);
  }
  return out;
}
