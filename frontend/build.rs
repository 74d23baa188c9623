//! Generates the `i18n` module from `locales/*.json` (leptos_i18n's codegen; the `load_locales!`
//! macro is deprecated). `src/main.rs` `include!`s the result at the crate root.

use std::{error::Error, path::PathBuf};

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");

    let out_dir = std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?;
    let i18n_dir = PathBuf::from(out_dir).join("i18n");

    // `interpolate_display` lets `td_string!` format interpolated and plural keys outside views
    // (error messages chosen by code, unit tests).
    let options = ParseOptions::default().interpolate_display(true);
    let cfg = Config::new("ru")?.add_locale("en")?.parse_options(options);

    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(i18n_dir)?;
    Ok(())
}
