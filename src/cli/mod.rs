//! clap definitions and one file per subcommand.
