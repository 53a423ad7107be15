//! `flowforge-audit baseline validate`: checks a baseline file and names its environments.

use super::args::BaselineCommand;
use super::EXIT_OK;

pub fn baseline(cmd: BaselineCommand) -> anyhow::Result<u8> {
    match cmd {
        BaselineCommand::Validate { file } => {
            let loaded = crate::audit::LoadedBaseline::load(file.as_deref())?;
            let envs = loaded.baseline.environments();
            outln!(
                "{}: valid; environments: {}",
                file.as_deref().map(|p| p.display().to_string()).unwrap_or_else(|| "built-in baseline".into()),
                envs.join(", ")
            );
            Ok(EXIT_OK)
        }
    }
}
