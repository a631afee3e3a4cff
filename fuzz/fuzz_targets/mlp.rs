#![no_main]

use gradient_oracle_fuzz::{MlpCase, mlp_case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|case: MlpCase| mlp_case(&case));
