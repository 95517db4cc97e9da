//! Writing generated files to disk (the only IO of this crate, used by the CLI and `cargo xtask codegen`).
//!
//! The output directory belongs to the generator: every file under it is taken to be generated,
//! except entries named `.git` and a top-level `target` directory.
//! [`plan`] compares the files a generation wants with what is on disk, and [`apply`] makes the disk
//! match, touching only what differs: stale and missing files are written, extra files removed.
//!
//! ```no_run
//! use std::path::Path;
//!
//! let text = std::fs::read_to_string("spec.yaml")?;
//! let generation = generator::generate("spec.yaml", &text, &generator::Config::new("pets"))
//!     .map_err(|report| std::io::Error::other(report.to_string()))?;
//! let out = Path::new("pets");
//! let plan = generator::sync::plan(out, &generation.files)?;
//! if !plan.is_clean() {
//!     print!("{plan}");
//!     generator::sync::apply(out, &generation.files, &plan)?;
//! }
//! # Ok::<(), std::io::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io::{self, ErrorKind, Write};
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::GeneratedFile;

/// What it takes to make a directory hold exactly the generated files.
///
/// Every path is relative to the directory, with `/` separators; each list is sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Files that exist but whose contents differ from the generated ones.
    pub stale: Vec<String>,
    /// Generated files that do not exist yet.
    pub missing: Vec<String>,
    /// Files on disk that the generation does not produce.
    pub extra: Vec<String>,
    /// How many generated files are already on disk, byte for byte.
    pub unchanged: usize,
}

impl Plan {
    /// Whether the directory already holds exactly the generated files.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }

    /// How many files [`apply`] writes: the stale and the missing ones.
    pub fn writes(&self) -> usize {
        self.stale.len() + self.missing.len()
    }

    /// How many files [`apply`] removes: the extra ones.
    pub fn removals(&self) -> usize {
        self.extra.len()
    }

    /// What [`apply`] does, in one line: `files: 2 written, 0 removed, 22 unchanged`.
    pub fn summary(&self) -> String {
        format!(
            "files: {} written, {} removed, {} unchanged",
            self.writes(),
            self.removals(),
            self.unchanged
        )
    }
}

impl fmt::Display for Plan {
    /// One line per file that differs, `stale: PATH`, `missing: PATH` or `extra: PATH`, sorted by path;
    /// nothing when the plan is clean.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines: Vec<(&str, &str)> = Vec::new();
        lines.extend(self.stale.iter().map(|p| (p.as_str(), "stale")));
        lines.extend(self.missing.iter().map(|p| (p.as_str(), "missing")));
        lines.extend(self.extra.iter().map(|p| (p.as_str(), "extra")));
        lines.sort_unstable();
        for (path, kind) in lines {
            writeln!(f, "{kind}: {path}")?;
        }
        Ok(())
    }
}

/// Compares the generated `files` with the contents of `dir`, reading but writing nothing.
///
/// A missing `dir` is an empty one. Fails when `dir` is not a directory, when it cannot be read,
/// when a file name under it is not UTF-8, or when a generated path is not a relative path inside
/// `dir` (`..`, absolute, empty) or appears twice.
pub fn plan(dir: &Path, files: &[GeneratedFile]) -> io::Result<Plan> {
    let mut wanted = BTreeMap::new();
    for file in files {
        check_path(&file.path)?;
        if wanted.insert(file.path.as_str(), &file.contents).is_some() {
            return Err(invalid(format!(
                "generated file {} appears twice in the generation",
                file.path
            )));
        }
    }
    let on_disk = list(dir)?;
    let mut plan = Plan::default();
    for (path, contents) in &wanted {
        match on_disk.get(*path) {
            None => plan.missing.push((*path).to_owned()),
            Some(Entry::Other) => plan.stale.push((*path).to_owned()),
            Some(Entry::File) => {
                let full = join(dir, path);
                let have = fs::read(&full).map_err(|e| context(e, "reading", &full))?;
                if have == contents.as_bytes() {
                    plan.unchanged += 1;
                } else {
                    plan.stale.push((*path).to_owned());
                }
            }
        }
    }
    plan.extra = on_disk
        .into_keys()
        .filter(|path| !wanted.contains_key(path.as_str()))
        .collect();
    Ok(plan)
}

/// Makes `dir` hold exactly the generated `files`, as `plan` (from [`plan`] on the same arguments) says.
///
/// Removes the extra files, then the directories their removal left empty, then writes the stale and
/// missing files, creating directories as needed. Each file is written to a temporary file beside it
/// and renamed over it, so no reader ever sees half a file. Files the plan counts as unchanged are not
/// touched, so their modification times (and cargo's rebuilds) stay as they were.
///
/// Fails, having possibly done part of the work, on the first IO error, or when the plan names a path
/// that is not inside `dir` or a file that `files` does not hold.
pub fn apply(dir: &Path, files: &[GeneratedFile], plan: &Plan) -> io::Result<()> {
    let contents: BTreeMap<&str, &str> = files
        .iter()
        .map(|f| (f.path.as_str(), f.contents.as_str()))
        .collect();
    for path in plan.stale.iter().chain(&plan.missing).chain(&plan.extra) {
        check_path(path)?;
    }
    let mut emptied = BTreeSet::new();
    for path in &plan.extra {
        let full = join(dir, path);
        match fs::remove_file(&full) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(context(e, "removing", &full)),
        }
        let mut parent = full.parent();
        while let Some(p) = parent.filter(|p| *p != dir && p.starts_with(dir)) {
            emptied.insert(p.to_path_buf());
            parent = p.parent();
        }
    }
    // Deepest first, so a directory whose only content was an emptied directory goes too.
    for empty in emptied.iter().rev() {
        if fs::read_dir(empty).is_ok_and(|mut entries| entries.next().is_none()) {
            fs::remove_dir(empty).map_err(|e| context(e, "removing the directory", empty))?;
        }
    }
    let writes = plan
        .stale
        .iter()
        .chain(&plan.missing)
        .map(|path| match contents.get(path.as_str()) {
            Some(text) => Ok((path, *text)),
            None => Err(invalid(format!(
                "the plan writes {path}, which the generation does not hold"
            ))),
        })
        .collect::<io::Result<Vec<_>>>()?;
    // The files are independent: they are written on every core, and the first failure is returned.
    writes
        .into_par_iter()
        .try_for_each(|(path, text)| write_atomically(&join(dir, path), text.as_bytes()))
}

/// What a path under the output directory is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// A regular file.
    File,
    /// A symbolic link or another kind of non-directory entry: never what the generator writes.
    Other,
}

/// Every non-directory entry under `dir`, by its relative path, without following symbolic links.
fn list(dir: &Path) -> io::Result<BTreeMap<String, Entry>> {
    let mut out = BTreeMap::new();
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(io::Error::new(
                ErrorKind::InvalidInput,
                format!("the output {} is not a directory", dir.display()),
            ))
        }
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(context(e, "reading", dir)),
    }
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((full, relative)) = pending.pop() {
        let entries = fs::read_dir(&full).map_err(|e| context(e, "listing", &full))?;
        for entry in entries {
            let entry = entry.map_err(|e| context(e, "listing", &full))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                return Err(io::Error::new(
                    ErrorKind::InvalidData,
                    format!("the file name {} is not UTF-8", entry.path().display()),
                ));
            };
            let kind = entry
                .file_type()
                .map_err(|e| context(e, "reading", &entry.path()))?;
            if name == ".git" || (relative.is_empty() && name == "target" && kind.is_dir()) {
                continue;
            }
            let path = if relative.is_empty() {
                name.to_owned()
            } else {
                format!("{relative}/{name}")
            };
            if kind.is_dir() {
                pending.push((entry.path(), path));
            } else if kind.is_file() {
                out.insert(path, Entry::File);
            } else {
                out.insert(path, Entry::Other);
            }
        }
    }
    Ok(out)
}

/// Writes `bytes` to a temporary file in the same directory as `path`, then renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(invalid(format!(
            "{} has no file name to write",
            path.display()
        )));
    };
    fs::create_dir_all(parent).map_err(|e| context(e, "creating the directory", parent))?;
    // An empty directory where the file goes (a module that became a file) gives way; a full one
    // would have had its files listed as extra and removed already.
    if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        fs::remove_dir(path).map_err(|e| context(e, "removing the directory", path))?;
    }
    let temp = parent.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    // No fsync: the rename keeps readers from seeing half a file, and a file lost to a power cut
    // is one regeneration away.
    let written = fs::File::create(&temp).and_then(|mut f| f.write_all(bytes));
    if let Err(e) = written.and_then(|()| fs::rename(&temp, path)) {
        // Best effort: the temporary file would otherwise show up as extra on the next run.
        let _ = fs::remove_file(&temp);
        return Err(context(e, "writing", path));
    }
    Ok(())
}

/// Fails unless `path` is a non-empty relative path of plain `/`-separated components.
fn check_path(path: &str) -> io::Result<()> {
    let plain = !path.is_empty()
        && !path.contains('\\')
        && path.split('/').all(|part| {
            let mut components = Path::new(part).components();
            matches!(
                (components.next(), components.next()),
                (Some(Component::Normal(_)), None)
            ) && part != "."
        });
    if plain {
        Ok(())
    } else {
        Err(invalid(format!(
            "the generated path {path:?} is not a relative path inside the output directory"
        )))
    }
}

/// `dir` joined with a checked relative path.
fn join(dir: &Path, relative: &str) -> PathBuf {
    relative
        .split('/')
        .fold(dir.to_path_buf(), |p, c| p.join(c))
}

fn invalid(message: String) -> io::Error {
    io::Error::new(ErrorKind::InvalidInput, message)
}

/// The error `e` of `doing` at `path`, keeping its kind.
fn context(e: io::Error, doing: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{doing} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A directory under the system's temporary directory, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir()
                .join(format!("fincode-sync-{name}-{}-{n}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).expect("creating a temporary directory");
            TempDir(dir)
        }

        fn write(&self, path: &str, contents: &str) {
            let full = join(&self.0, path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, contents).unwrap();
        }

        fn read(&self, path: &str) -> Option<String> {
            fs::read_to_string(join(&self.0, path)).ok()
        }

        /// Every file under the directory, `.git` and `target` included, with a trailing `/` for
        /// directories.
        fn tree(&self) -> Vec<String> {
            fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
                for entry in fs::read_dir(dir).unwrap() {
                    let entry = entry.unwrap();
                    let name = format!("{prefix}{}", entry.file_name().to_str().unwrap());
                    if entry.file_type().unwrap().is_dir() {
                        out.push(format!("{name}/"));
                        walk(&entry.path(), &format!("{name}/"), out);
                    } else {
                        out.push(name);
                    }
                }
            }
            let mut out = Vec::new();
            walk(&self.0, "", &mut out);
            out.sort();
            out
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.to_owned(),
            contents: contents.to_owned(),
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn sync(dir: &Path, files: &[GeneratedFile]) -> Plan {
        let plan = plan(dir, files).unwrap();
        apply(dir, files, &plan).unwrap();
        plan
    }

    #[test]
    fn a_missing_directory_is_created_with_every_file() {
        let tmp = TempDir::new("create");
        let out = tmp.0.join("out/crate");
        let files = [
            file("Cargo.toml", "[package]\n"),
            file("src/lib.rs", "//! lib\n"),
        ];
        let plan = plan(&out, &files).unwrap();
        assert_eq!(
            plan,
            Plan {
                missing: strings(&["Cargo.toml", "src/lib.rs"]),
                ..Plan::default()
            }
        );
        assert_eq!((plan.writes(), plan.removals()), (2, 0));
        apply(&out, &files, &plan).unwrap();
        assert_eq!(
            tmp.tree(),
            [
                "out/",
                "out/crate/",
                "out/crate/Cargo.toml",
                "out/crate/src/",
                "out/crate/src/lib.rs"
            ]
        );
        assert_eq!(
            fs::read_to_string(out.join("src/lib.rs")).unwrap(),
            "//! lib\n"
        );
        let again = super::plan(&out, &files).unwrap();
        assert!(again.is_clean(), "{again}");
        assert_eq!(again.unchanged, 2);
    }

    #[test]
    fn stale_missing_and_extra_files_are_found_sorted_and_fixed() {
        let tmp = TempDir::new("mixed");
        tmp.write("Cargo.toml", "[package]\n");
        tmp.write("src/lib.rs", "old\n");
        tmp.write("src/old/mod.rs", "gone\n");
        tmp.write("src/old/deep/x.rs", "gone\n");
        tmp.write("src/keep/kept.rs", "kept\n");
        tmp.write("src/keep/dropped.rs", "gone\n");
        tmp.write("README.md", "gone\n");
        let files = [
            file("Cargo.toml", "[package]\n"),
            file("src/a.rs", "a\n"),
            file("src/keep/kept.rs", "kept\n"),
            file("src/lib.rs", "new\n"),
        ];
        let plan = plan(&tmp.0, &files).unwrap();
        assert_eq!(
            plan,
            Plan {
                stale: strings(&["src/lib.rs"]),
                missing: strings(&["src/a.rs"]),
                extra: strings(&[
                    "README.md",
                    "src/keep/dropped.rs",
                    "src/old/deep/x.rs",
                    "src/old/mod.rs"
                ]),
                unchanged: 2,
            }
        );
        assert!(!plan.is_clean());
        assert_eq!(
            plan.to_string(),
            "extra: README.md\nmissing: src/a.rs\nextra: src/keep/dropped.rs\nstale: src/lib.rs\n\
             extra: src/old/deep/x.rs\nextra: src/old/mod.rs\n"
        );
        apply(&tmp.0, &files, &plan).unwrap();
        assert_eq!(
            tmp.tree(),
            [
                "Cargo.toml",
                "src/",
                "src/a.rs",
                "src/keep/",
                "src/keep/kept.rs",
                "src/lib.rs"
            ]
        );
        assert_eq!(tmp.read("src/lib.rs").as_deref(), Some("new\n"));
        assert!(super::plan(&tmp.0, &files).unwrap().is_clean());
    }

    #[test]
    fn unchanged_files_are_not_rewritten() {
        let tmp = TempDir::new("untouched");
        let files = [file("a.rs", "a\n"), file("b.rs", "b\n")];
        sync(&tmp.0, &files);
        let modified = |p: &str| fs::metadata(tmp.0.join(p)).unwrap().modified().unwrap();
        let before = modified("a.rs");
        std::thread::sleep(std::time::Duration::from_millis(20));
        let changed = [file("a.rs", "a\n"), file("b.rs", "b2\n")];
        let plan = sync(&tmp.0, &changed);
        assert_eq!(
            (plan.stale.as_slice(), plan.unchanged),
            (&strings(&["b.rs"])[..], 1)
        );
        assert_eq!(modified("a.rs"), before);
        assert_eq!(tmp.read("b.rs").as_deref(), Some("b2\n"));
    }

    #[test]
    fn git_and_target_are_left_alone() {
        let tmp = TempDir::new("ignored");
        tmp.write(".git/HEAD", "ref\n");
        tmp.write("target/debug/x", "bin\n");
        tmp.write("src/.git", "gitdir: elsewhere\n");
        tmp.write("src/target/mod.rs", "a module named target is generated\n");
        tmp.write(".gitignore", "hidden but generated\n");
        let files = [file("src/lib.rs", "lib\n")];
        let plan = plan(&tmp.0, &files).unwrap();
        assert_eq!(plan.extra, strings(&[".gitignore", "src/target/mod.rs"]));
        apply(&tmp.0, &files, &plan).unwrap();
        assert_eq!(
            tmp.tree(),
            [
                ".git/",
                ".git/HEAD",
                "src/",
                "src/.git",
                "src/lib.rs",
                "target/",
                "target/debug/",
                "target/debug/x"
            ]
        );
    }

    #[test]
    fn a_file_and_a_directory_may_trade_places() {
        let tmp = TempDir::new("trade");
        tmp.write("src/api/mod.rs", "dir\n");
        tmp.write("src/model.rs", "file\n");
        fs::create_dir_all(tmp.0.join("src/empty.rs")).unwrap();
        let files = [
            file("src/api", "now a file\n"),
            file("src/empty.rs", "was an empty directory\n"),
            file("src/model.rs/mod.rs", "now a directory\n"),
        ];
        let plan = sync(&tmp.0, &files);
        assert_eq!(
            plan.missing,
            strings(&["src/api", "src/empty.rs", "src/model.rs/mod.rs"])
        );
        assert_eq!(plan.extra, strings(&["src/api/mod.rs", "src/model.rs"]));
        assert_eq!(
            tmp.tree(),
            [
                "src/",
                "src/api",
                "src/empty.rs",
                "src/model.rs/",
                "src/model.rs/mod.rs"
            ]
        );
        assert!(super::plan(&tmp.0, &files).unwrap().is_clean());
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_replaced_not_followed() {
        let tmp = TempDir::new("symlink");
        tmp.write("elsewhere/lib.rs", "lib\n");
        tmp.write("elsewhere/target.rs", "outside\n");
        let out = tmp.0.join("out");
        fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(tmp.0.join("elsewhere"), out.join("src")).unwrap();
        std::os::unix::fs::symlink(tmp.0.join("elsewhere/target.rs"), out.join("link.rs")).unwrap();
        let files = [file("link.rs", "generated\n"), file("src/lib.rs", "lib\n")];
        let plan = sync(&out, &files);
        assert_eq!(plan.stale, strings(&["link.rs"]));
        assert_eq!(plan.missing, strings(&["src/lib.rs"]));
        assert_eq!(plan.extra, strings(&["src"]));
        assert_eq!(
            tmp.read("elsewhere/target.rs").as_deref(),
            Some("outside\n")
        );
        assert_eq!(tmp.read("elsewhere/lib.rs").as_deref(), Some("lib\n"));
        assert!(fs::symlink_metadata(out.join("src")).unwrap().is_dir());
        assert!(fs::symlink_metadata(out.join("link.rs")).unwrap().is_file());
        assert!(super::plan(&out, &files).unwrap().is_clean());
    }

    #[test]
    fn paths_outside_the_directory_are_refused() {
        let tmp = TempDir::new("escape");
        for bad in [
            "",
            "/etc/passwd",
            "../x.rs",
            "src/../../x.rs",
            "src//x.rs",
            "./x.rs",
            "src\\x.rs",
            "src/",
        ] {
            let err = plan(&tmp.0, &[file(bad, "x")]).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad:?}");
            assert!(
                err.to_string().contains("not a relative path inside"),
                "{err}"
            );
            let forged = Plan {
                extra: vec![bad.to_owned()],
                ..Plan::default()
            };
            assert!(apply(&tmp.0, &[], &forged).is_err(), "{bad:?}");
        }
        assert_eq!(tmp.tree(), Vec::<String>::new());
    }

    #[test]
    fn duplicate_paths_and_foreign_plans_are_refused() {
        let tmp = TempDir::new("refused");
        let err = plan(&tmp.0, &[file("a.rs", "1"), file("a.rs", "2")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "generated file a.rs appears twice in the generation"
        );
        let foreign = Plan {
            missing: strings(&["b.rs"]),
            ..Plan::default()
        };
        let err = apply(&tmp.0, &[file("a.rs", "1")], &foreign).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the plan writes b.rs, which the generation does not hold"
        );
    }

    #[test]
    fn an_output_that_is_a_file_is_an_error_naming_it() {
        let tmp = TempDir::new("not-a-dir");
        tmp.write("out", "a file\n");
        let err = plan(&tmp.0.join("out"), &[]).unwrap_err();
        assert!(err.to_string().ends_with("out is not a directory"), "{err}");
    }

    #[test]
    fn a_clean_plan_displays_as_nothing() {
        let plan = Plan {
            unchanged: 3,
            ..Plan::default()
        };
        assert!(plan.is_clean());
        assert_eq!(plan.to_string(), "");
    }
}
