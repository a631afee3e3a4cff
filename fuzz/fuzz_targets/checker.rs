#![no_main]

use gradient_oracle_fuzz::{CheckerCase, checker_case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|case: CheckerCase| checker_case(&case));
