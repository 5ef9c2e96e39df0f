//! Files a scenario leaves behind for people: screenshots and failure notes, in
//! `<workspace>/test-artifacts/<scenario>/` (gitignored).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::emulator::workspace_dir;

/// One scenario's artifact directory, emptied when the scenario starts so that what is there
/// always belongs to the last run.
#[derive(Debug)]
pub struct Artifacts {
    dir: PathBuf,
}

impl Artifacts {
    /// Creates (or empties) `test-artifacts/<scenario>/`.
    pub fn create(scenario: &str) -> Result<Self> {
        let dir = workspace_dir().join("test-artifacts").join(scenario);
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("emptying {}", dir.display())),
        }
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Artifacts { dir })
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `name` into the directory and returns its path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf> {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }
}
