/**
 * The file-system provider: {@link io.duratask.fs.FsProvider} keeps every instance's history, metadata,
 * messages and work items in plain files under one directory, made atomic across files by a checksummed
 * commit journal with group commit. See {@code docs/providers/fs.md}.
 */
package io.duratask.fs;
