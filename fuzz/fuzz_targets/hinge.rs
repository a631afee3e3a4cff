#![no_main]

use gradient_oracle_fuzz::{HingeCase, hinge_case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|case: HingeCase| hinge_case(&case));
