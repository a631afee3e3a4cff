//! Every Rust snippet of the README, the guide and the crate's front page,
//! built as a user's crate sees this one: a path dependency with default
//! features off plus the features the snippet names, in a crate outside this
//! package. rustdoc's doctests run the same snippets, but inside the package
//! with its features on, which hides a missing feature or a dependency the
//! user would have to add.
//!
//! A snippet names what it needs in an HTML comment on the line before its
//! fence (invisible when rendered):
//! `<!-- snippet: features = ["proptest"], dependencies = ["proptest"] -->`.
//! Without one it gets no feature and no other dependency. Blocks marked
//! `ignore`, `text`, `toml` or `sh` are not Rust to build.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One Rust snippet: where it is, what it needs, its code as a program.
#[derive(Debug)]
struct Snippet {
    origin: String,
    features: Vec<String>,
    dependencies: Vec<String>,
    program: String,
}

/// The `["a", "b"]` after `key =` in a snippet comment.
fn list_after(comment: &str, key: &str) -> Vec<String> {
    let Some(at) = comment.find(&format!("{key} =")) else {
        return Vec::new();
    };
    let rest = &comment[at..];
    let (Some(open), Some(close)) = (rest.find('['), rest.find(']')) else {
        return Vec::new();
    };
    rest[open + 1..close]
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A doctest body as rustdoc compiles it: hidden lines (`# `) kept, and
/// wrapped in `main` unless it has one; a body ending in `Ok::<...>(())`
/// becomes a function returning that result.
fn as_program(lines: &[&str]) -> String {
    let body: Vec<String> = lines
        .iter()
        .map(|l| {
            let t = l.trim_start();
            if t == "#" {
                String::new()
            } else if let Some(rest) = t.strip_prefix("# ") {
                rest.to_string()
            } else {
                (*l).to_string()
            }
        })
        .collect();
    let text = body.join("\n");
    if text.contains("fn main") {
        return text;
    }
    let returns_result = body
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_start().starts_with("Ok::<"));
    if returns_result {
        format!(
            "#[allow(unused)]\nfn main() {{\n    fn body() -> Result<(), impl std::fmt::Debug> {{\n{text}\n    }}\n    body().unwrap();\n}}\n"
        )
    } else {
        format!("#[allow(unused)]\nfn main() {{\n{text}\n}}\n")
    }
}

/// The Rust snippets of one markdown text (`origin` names the file).
fn snippets_of(origin: &str, markdown: &str) -> Vec<Snippet> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].trim_start().strip_prefix("```") else {
            i += 1;
            continue;
        };
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].trim_start().starts_with("```"))
            .unwrap_or(lines.len());
        let tags: Vec<&str> = info.split(',').map(str::trim).collect();
        let is_rust = tags[0].is_empty() || tags[0] == "rust";
        let skipped = tags.iter().any(|t| *t == "ignore" || *t == "compile_fail");
        if is_rust && !skipped {
            let comment = if i > 0 && lines[i - 1].contains("<!-- snippet:") {
                lines[i - 1]
            } else {
                ""
            };
            found.push(Snippet {
                origin: format!("{origin}:{}", i + 1),
                features: list_after(comment, "features"),
                dependencies: list_after(comment, "dependencies"),
                program: as_program(&lines[i + 1..end]),
            });
        }
        i = end + 1;
    }
    found
}

/// The crate's front page: the `//!` lines of `src/lib.rs`.
fn front_page(root: &Path) -> String {
    fs::read_to_string(root.join("src/lib.rs"))
        .expect("src/lib.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

fn all_snippets(root: &Path) -> Vec<Snippet> {
    let mut all = Vec::new();
    for file in ["README.md", "docs/guide.md"] {
        let text = fs::read_to_string(root.join(file)).expect("documentation file");
        all.extend(snippets_of(file, &text));
    }
    all.extend(snippets_of("src/lib.rs (//!)", &front_page(root)));
    all
}

/// How this package's own manifest asks for `dependency` (its
/// dev-dependency line, else its dependency line without `optional`): the
/// lockfile then has everything the build needs, offline.
fn spec_of(root: &Path, dependency: &str) -> String {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let prefix = format!("{dependency} = ");
    let lines: Vec<&str> = manifest
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .collect();
    let line = lines
        .last()
        .unwrap_or_else(|| panic!("{dependency} is not a dependency of this package"));
    line[prefix.len()..].replace(", optional = true", "")
}

/// A user's crate: this package by path, default features off, `features`
/// on, the snippets as examples. Returns its directory.
fn user_crate(root: &Path, dir: &Path, features: &[String], snippets: &[&Snippet]) -> PathBuf {
    let examples = dir.join("examples");
    let _ = fs::remove_dir_all(&examples);
    fs::create_dir_all(&examples).expect("snippet crate directory");
    let mut dependencies: Vec<&String> = snippets.iter().flat_map(|s| &s.dependencies).collect();
    dependencies.sort();
    dependencies.dedup();
    let quoted: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
    let mut manifest = format!(
        "[package]\nname = \"snippet-user\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\ngradient-oracle = {{ path = {:?}, default-features = false, features = [{}] }}\n",
        root.display().to_string(),
        quoted.join(", ")
    );
    for dependency in dependencies {
        manifest.push_str(&format!("{dependency} = {}\n", spec_of(root, dependency)));
    }
    fs::write(dir.join("Cargo.toml"), manifest).expect("manifest");
    // An empty library: the package exists for its examples.
    fs::create_dir_all(dir.join("src")).expect("src");
    fs::write(dir.join("src/lib.rs"), "").expect("lib.rs");
    // The package's own lockfile pins every crate a snippet can use, so the
    // build needs no registry and sees the versions CI tests.
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("Cargo.lock");
    for (k, s) in snippets.iter().enumerate() {
        let header = format!("// {}\n", s.origin);
        fs::write(
            examples.join(format!("snippet_{k}.rs")),
            header + &s.program,
        )
        .expect("snippet file");
    }
    dir.to_path_buf()
}

#[test]
fn every_documented_snippet_builds_in_a_user_crate() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let snippets = all_snippets(&root);
    // The README (2), the guide (7) and the front page (4) as of writing:
    // fewer means the extraction lost some.
    assert!(
        snippets.len() >= 13,
        "found only {} snippets",
        snippets.len()
    );
    assert!(
        snippets.iter().any(|s| s.features == ["proptest"]),
        "the guide's proptest snippet lost its feature comment"
    );
    let mut by_features: BTreeMap<Vec<String>, Vec<&Snippet>> = BTreeMap::new();
    for s in &snippets {
        let mut key = s.features.clone();
        key.sort();
        by_features.entry(key).or_default().push(s);
    }
    let base = root.join("target").join("doc-snippets");
    for (features, group) in by_features {
        let name = if features.is_empty() {
            "lean".to_string()
        } else {
            features.join("+")
        };
        let dir = user_crate(&root, &base.join(&name), &features, &group);
        let out = Command::new(env!("CARGO"))
            .args(["build", "--examples", "--offline", "--quiet"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", base.join("target"))
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo runs");
        let origins: Vec<&str> = group.iter().map(|s| s.origin.as_str()).collect();
        assert!(
            out.status.success(),
            "snippets {origins:?} do not build with features {features:?} in a user crate:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_snippet_comment_and_hidden_lines_are_read() {
    // A snippet without a comment gets no feature (so a missing comment makes
    // the build above fail); one with a comment gets exactly what it names,
    // and its hidden `# ` lines are part of the program.
    let text = "intro\n\n```rust\nuse gradient_oracle::proptest::points_in_box;\n```\n";
    let found = snippets_of("x.md", text);
    assert_eq!(found.len(), 1);
    assert!(found[0].features.is_empty());
    let annotated = "<!-- snippet: features = [\"proptest\"], dependencies = [\"proptest\"] -->\n```rust\nlet x = 1;\n# Ok::<(), String>(())\n```\n";
    let found = snippets_of("y.md", annotated);
    assert_eq!(found[0].features, ["proptest"]);
    assert_eq!(found[0].dependencies, ["proptest"]);
    assert!(found[0].program.contains("fn body() -> Result"));
    assert!(found[0].program.contains("Ok::<(), String>(())"));
}
