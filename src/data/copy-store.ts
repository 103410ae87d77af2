/**
 * `digitrec db copy`: everything of one store into another, empty one — samples with their ids,
 * model versions with their numbers and statuses, and the versions' files (from the SQLite
 * deployment's models directory, or the source's blobs) into the target's blobs, so a PostgreSQL
 * target serves them to every server. Jobs are history and stay behind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BLOB_FILE_PREFIX, type Store } from './store.js';

/** What a copy moved. */
export interface CopyCounts {
  samples: number;
  versions: number;
  files: number;
}

/**
 * Copies `from` into `to`, which must hold no samples and no model versions (an error says what
 * it holds). `modelsDir` is where `from`'s version files are when they are files (SQLite's
 * `DIGITREC_MODELS_DIR`); a missing file is an error naming it, before anything is written.
 */
export async function copyStore(
  from: Store,
  to: Store,
  modelsDir: string,
  log: (line: string) => void = () => {},
): Promise<CopyCounts> {
  const [samples, versions] = [await to.count(), (await to.modelVersions()).length];
  if (samples > 0 || versions > 0)
    throw new Error(
      `the target already holds ${samples} samples and ${versions} model versions: copy into an empty database`,
    );
  // Every file first: a missing one stops the copy before anything is written.
  const read = async (file: string): Promise<Buffer> => {
    if (file.startsWith(BLOB_FILE_PREFIX)) {
      const bytes = await from.getBlob(file.slice(BLOB_FILE_PREFIX.length));
      if (!bytes) throw new Error(`version file ${file} is not in the source database`);
      return bytes;
    }
    try {
      return readFileSync(join(modelsDir, file));
    } catch (err) {
      throw new Error(
        `version file ${file} cannot be read from ${modelsDir} (pass --models-dir): ${(err as Error).message}`,
      );
    }
  };
  const rows = await from.modelVersions();
  const files = new Map<string, Buffer>();
  for (const v of rows)
    for (const f of [v.file, v.report])
      if (f !== null && !files.has(f)) files.set(f, await read(f));
  let copied = 0;
  for await (const page of from.pages({}, 1000)) {
    await to.restore(page);
    copied += page.length;
    log(`samples: ${copied}`);
  }
  const names = new Map<string, string>();
  for (const [f, bytes] of files) names.set(f, BLOB_FILE_PREFIX + (await to.putBlob(bytes)));
  // Oldest first, so the one serving row is written when its number comes.
  for (const v of [...rows].reverse())
    await to.restoreModelVersion({
      ...v,
      file: names.get(v.file) as string,
      report: v.report === null ? null : (names.get(v.report) as string),
    });
  log(`model versions: ${rows.length} (${files.size} files)`);
  return { samples: copied, versions: rows.length, files: files.size };
}
