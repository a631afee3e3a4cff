//! Reading an input file within stated limits: only regular files (a FIFO
//! would block forever, `/dev/zero` never ends), at most
//! `--max-input-bytes` (16 MiB by default), checked before a byte is read and
//! again while reading (a file that grows), so that memory stays bounded on
//! any input. TOML parsing takes up to 80 times a file's size; 16 MiB of
//! answers, data or network is far beyond any real one.

use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

/// The default limit on an input file's size: 16 MiB.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 16 << 20;

static LIMIT: OnceLock<u64> = OnceLock::new();

/// Sets the limit for this run (`--max-input-bytes`); the first call wins.
pub fn set_limit(bytes: u64) {
    let _ = LIMIT.set(bytes);
}

/// The limit in force.
pub fn limit() -> u64 {
    LIMIT.get().copied().unwrap_or(DEFAULT_MAX_INPUT_BYTES)
}

/// The file's text, or a one-line reason: not a regular file, larger than the
/// limit (with both sizes), unreadable, or not UTF-8.
pub fn read_limited(path: &Path) -> Result<String, String> {
    let name = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    if !meta.is_file() {
        return Err(format!(
            "cannot read {name}: not a regular file (pipes and devices are not read)"
        ));
    }
    let max = limit();
    if meta.len() > max {
        return Err(format!(
            "{name} is {} bytes, over the input limit of {max} bytes (--max-input-bytes)",
            meta.len()
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "{name} grew past the input limit of {max} bytes (--max-input-bytes)"
        ));
    }
    String::from_utf8(bytes).map_err(|e| format!("cannot read {name}: not UTF-8 text ({e})"))
}
