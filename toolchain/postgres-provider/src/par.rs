//! `pelato-par`: packages a capability provider binary as a (gzip-compressed) provider archive.
//!
//! pelato-par --binary <path> --name <name> --vendor <vendor> --version <semver> --out <file.par.gz>
//!            [--target <arch-os>] [--issuer-seed <SA…>] [--subject-seed <SV…>]
//!
//! The binary is stored for the target wasmCloud hosts look up, `{ARCH}-{OS}` of
//! `std::env::consts` (wasmcloud-core's `par::native_target`, e.g. `x86_64-linux`); the default is
//! this machine's. Claims are signed by an account key (issuer) for a service key (subject), freshly
//! generated unless seeds are given (also read from PELATO_PAR_ISSUER_SEED / PELATO_PAR_SUBJECT_SEED).
//! Prints the provider's public key (its service id) on stdout.

use std::env::consts::{ARCH, OS};

use anyhow::{bail, Context as _};
use nkeys::KeyPair;
use provider_archive::ProviderArchive;

const USAGE: &str = "usage: pelato-par --binary <path> --name <name> --vendor <vendor> --version <semver> --out <file.par.gz> [--target <arch-os>] [--issuer-seed <seed>] [--subject-seed <seed>]";

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut binary = None;
    let mut name = None;
    let mut vendor = None;
    let mut version = None;
    let mut out = None;
    let mut target = format!("{ARCH}-{OS}");
    let mut issuer_seed = std::env::var("PELATO_PAR_ISSUER_SEED").ok();
    let mut subject_seed = std::env::var("PELATO_PAR_SUBJECT_SEED").ok();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            println!("{USAGE}");
            return Ok(());
        }
        let value = args
            .next()
            .with_context(|| format!("{arg} needs a value\n{USAGE}"))?;
        match arg.as_str() {
            "--binary" => binary = Some(value),
            "--name" => name = Some(value),
            "--vendor" => vendor = Some(value),
            "--version" => version = Some(value),
            "--out" => out = Some(value),
            "--target" => target = value,
            "--issuer-seed" => issuer_seed = Some(value),
            "--subject-seed" => subject_seed = Some(value),
            _ => bail!("unknown argument {arg}\n{USAGE}"),
        }
    }
    let (Some(binary), Some(name), Some(vendor), Some(version), Some(out)) =
        (binary, name, vendor, version, out)
    else {
        bail!("{USAGE}");
    };

    let issuer = match issuer_seed {
        Some(seed) => KeyPair::from_seed(&seed).context("invalid issuer seed")?,
        None => KeyPair::new_account(),
    };
    let subject = match subject_seed {
        Some(seed) => KeyPair::from_seed(&seed).context("invalid subject seed")?,
        None => KeyPair::new_service(),
    };
    if !issuer.public_key().starts_with('A') {
        bail!("the issuer seed must be an account key (SA…)");
    }
    if !subject.public_key().starts_with('V') {
        bail!("the subject seed must be a service key (SV…)");
    }

    let bytes = tokio::fs::read(&binary)
        .await
        .with_context(|| format!("failed to read {binary}"))?;
    let mut par = ProviderArchive::new(&name, &vendor, None, Some(version));
    par.add_library(&target, &bytes)
        .map_err(|e| anyhow::anyhow!("failed to add {binary}: {e}"))?;
    let compress = out.ends_with(".gz");
    par.write(&out, &issuer, &subject, compress)
        .await
        .map_err(|e| anyhow::anyhow!("failed to write {out}: {e}"))?;

    // Read it back the way a host does, to fail here rather than at deploy time.
    let loaded = ProviderArchive::try_load_target_from_file(&out, &target)
        .await
        .map_err(|e| anyhow::anyhow!("failed to read back {out}: {e}"))?;
    if loaded.target_bytes(&target).as_deref() != Some(bytes.as_slice()) {
        bail!("{out} does not hold the binary for {target}");
    }
    println!("{}", subject.public_key());
    Ok(())
}
