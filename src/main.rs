//! The `niuyang` binary: everything lives in the library; this only hands over to the command line.

fn main() -> std::process::ExitCode {
    niuyang::cli::run()
}
