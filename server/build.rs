//! Lists the migrations: every `migrations/<backend>/NNNN_name.sql` becomes an entry of
//! `SQLITE` or `POSTGRES` (in `migrate.rs`), embedded in the binary. A new migration is a new
//! file pair, nothing else; the build fails when the two backends' lists differ.

use std::fmt::Write as _;
use std::path::Path;

fn list(backend: &str) -> Vec<(u32, String, String)> {
    // Read when the script runs, not when it was compiled: checkouts sharing one target
    // directory share this script's binary, and a compiled-in path would name another checkout.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("migrations").join(backend);
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        let file = path.file_name().and_then(|f| f.to_str()).unwrap_or_default().to_owned();
        let Some(stem) = file.strip_suffix(".sql") else { continue };
        let (version, name) = stem
            .split_once('_')
            .and_then(|(v, n)| Some((v.parse::<u32>().ok()?, n.to_owned())))
            .unwrap_or_else(|| panic!("migration {file}: the name must be NNNN_name.sql"));
        found.push((version, name, path.display().to_string()));
    }
    found.sort();
    found
}

fn main() {
    let sqlite = list("sqlite");
    let postgres = list("postgres");
    let names = |l: &[(u32, String, String)]| l.iter().map(|(v, n, _)| (*v, n.clone())).collect::<Vec<_>>();
    assert_eq!(
        names(&sqlite),
        names(&postgres),
        "migrations/sqlite and migrations/postgres must hold the same migrations"
    );
    for (i, (version, name, _)) in sqlite.iter().enumerate() {
        assert_eq!(*version as usize, i + 1, "migration {version}_{name}: versions must run 1, 2, 3… without gaps");
    }
    let mut code = String::new();
    for (constant, found) in [("SQLITE", &sqlite), ("POSTGRES", &postgres)] {
        writeln!(code, "pub const {constant}: &[Migration] = &[").unwrap();
        for (version, name, path) in found {
            writeln!(code, "    Migration {{ version: {version}, name: {name:?}, sql: include_str!({path:?}) }},")
                .unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("migrations.rs");
    std::fs::write(out, code).expect("writing the migration list");
}
