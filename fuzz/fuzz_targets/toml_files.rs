#![no_main]

use gradient_oracle_fuzz::{TomlCase, toml_case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|case: TomlCase| toml_case(&case));
