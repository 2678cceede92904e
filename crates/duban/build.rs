//! Rebuilds the binary when a migration is added: `sqlx::migrate!` embeds the
//! migrations folder, but cargo only sees files it was told about.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
