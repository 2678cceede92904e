//! The district's unit registry: canonical names, the aliases documents use,
//! and groups (各街镇) that expand to their member units.

use std::collections::HashMap;

use serde::Deserialize;
use thiserror::Error;

/// The registry compiled into the binary: 上海市长宁区, the seed plan's district.
pub const CHANGNING_TOML: &str = include_str!("../registry/changning.toml");

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryUnit {
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryGroup {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Canonical names of the member units.
    #[serde(default)]
    pub members: Vec<String>,
    /// Members are chosen when the task is assigned ("相关部门和国企集团").
    #[serde(default)]
    pub open: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(default)]
    district: String,
    #[serde(default, rename = "unit")]
    units: Vec<RegistryUnit>,
    #[serde(default, rename = "group")]
    groups: Vec<RegistryGroup>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RegistryError {
    #[error("the unit registry is not valid TOML {0}")]
    Syntax(String),
    #[error("the unit registry names '{0}' twice")]
    Duplicate(String),
    #[error("group '{group}' lists member '{member}', which is not a unit of the registry")]
    UnknownMember { group: String, member: String },
}

/// "at line L, column C: message", on one line.
fn syntax_error(text: &str, error: &toml::de::Error) -> RegistryError {
    let message = error.message().trim().replace('\n', " ");
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            RegistryError::Syntax(format!("at line {line}, column {column}: {message}"))
        }
        None => RegistryError::Syntax(message),
    }
}

/// What a name in a document refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known<'a> {
    Unit(&'a RegistryUnit),
    Group(&'a RegistryGroup),
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub district: String,
    pub units: Vec<RegistryUnit>,
    pub groups: Vec<RegistryGroup>,
    /// Every name and alias → (is group, index).
    index: HashMap<String, (bool, usize)>,
}

impl Registry {
    /// The registry compiled into the binary.
    pub fn builtin() -> Registry {
        // The embedded file is checked by a unit test, so this cannot fail at run time.
        Registry::from_toml(CHANGNING_TOML).unwrap_or_default()
    }

    pub fn from_toml(text: &str) -> Result<Registry, RegistryError> {
        let file: RegistryFile = toml::from_str(text).map_err(|e| syntax_error(text, &e))?;
        let mut index = HashMap::new();
        let mut add = |name: &str, entry: (bool, usize)| {
            if index.insert(name.to_string(), entry).is_some() {
                Err(RegistryError::Duplicate(name.to_string()))
            } else {
                Ok(())
            }
        };
        for (i, unit) in file.units.iter().enumerate() {
            add(&unit.name, (false, i))?;
            for alias in &unit.aliases {
                add(alias, (false, i))?;
            }
        }
        for (i, group) in file.groups.iter().enumerate() {
            add(&group.name, (true, i))?;
            for alias in &group.aliases {
                add(alias, (true, i))?;
            }
        }
        for group in &file.groups {
            for member in &group.members {
                if !matches!(index.get(member), Some((false, _))) {
                    return Err(RegistryError::UnknownMember {
                        group: group.name.clone(),
                        member: member.clone(),
                    });
                }
            }
        }
        Ok(Registry {
            district: file.district,
            units: file.units,
            groups: file.groups,
            index,
        })
    }

    /// The unit or group a document's name refers to, by name or alias.
    pub fn lookup(&self, name: &str) -> Option<Known<'_>> {
        let &(is_group, i) = self.index.get(name)?;
        Some(if is_group {
            Known::Group(&self.groups[i])
        } else {
            Known::Unit(&self.units[i])
        })
    }

    pub fn knows(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// The units a name stands for: itself, or a group's members.
    pub fn expand(&self, name: &str) -> Vec<&RegistryUnit> {
        match self.lookup(name) {
            Some(Known::Unit(unit)) => vec![unit],
            Some(Known::Group(group)) => group
                .members
                .iter()
                .filter_map(|member| match self.lookup(member) {
                    Some(Known::Unit(unit)) => Some(unit),
                    _ => None,
                })
                .collect(),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_registry_is_valid() {
        let registry = Registry::from_toml(CHANGNING_TOML).expect("embedded registry parses");
        assert_eq!(registry.district, "上海市长宁区");
        assert!(registry.units.len() > 50);
    }

    #[test]
    fn aliases_resolve_to_the_canonical_unit() {
        let registry = Registry::builtin();
        for (alias, canonical) in [("区府办", "区政府办公室"), ("区发改委", "区发展改革委")]
        {
            match registry.lookup(alias) {
                Some(Known::Unit(unit)) => assert_eq!(unit.name, canonical),
                other => panic!("{alias} → {other:?}"),
            }
        }
    }

    #[test]
    fn groups_expand_to_the_ten_streets_and_towns() {
        let registry = Registry::builtin();
        let names: Vec<&str> = registry
            .expand("各街镇")
            .iter()
            .map(|u| u.name.as_str())
            .collect();
        assert_eq!(names.len(), 10);
        assert_eq!(names[0], "华阳路街道");
        assert_eq!(names[9], "新泾镇");
        assert!(registry.expand("相关部门和国企集团").is_empty());
        assert!(matches!(
            registry.lookup("相关部门和国企集团"),
            Some(Known::Group(g)) if g.open
        ));
    }

    #[test]
    fn rejects_duplicates_and_unknown_members() {
        let duplicate = "[[unit]]\nname = \"A局\"\n[[unit]]\nname = \"A局\"\n";
        assert_eq!(
            Registry::from_toml(duplicate).unwrap_err(),
            RegistryError::Duplicate("A局".into())
        );
        let unknown = "[[group]]\nname = \"各街道\"\nmembers = [\"B街道\"]\n";
        assert!(matches!(
            Registry::from_toml(unknown),
            Err(RegistryError::UnknownMember { .. })
        ));
        assert!(matches!(
            Registry::from_toml("[[unit]]\nname = "),
            Err(RegistryError::Syntax(_))
        ));
    }
}
