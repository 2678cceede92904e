//! The city: its departments, its districts' departments and streets, the
//! unit registry that names them, and one annual plan per year for the city
//! and for each district, as `PlanDraft`s the import service loads.

use duban_plan::{Category, Comparison, Deadline, PlanDraft, Role, Span, Target, Task, UnitRef};
use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};

use super::{Scale, shares, text};

const DISTRICTS: &[&str] = &[
    "黄浦区",
    "徐汇区",
    "长宁区",
    "静安区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "浦东新区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
];

/// City and district departments share these stems ("市" or "X区" before them).
const DEPARTMENTS: &[(&str, &str)] = &[
    ("委办公室", "party"),
    ("政府办公室", "government"),
    ("发展改革委", "government"),
    ("经济委", "government"),
    ("商务委", "government"),
    ("教育局", "government"),
    ("科委", "government"),
    ("民政局", "government"),
    ("财政局", "government"),
    ("人力资源社会保障局", "government"),
    ("规划资源局", "government"),
    ("生态环境局", "government"),
    ("建设管理委", "government"),
    ("交通委", "government"),
    ("房管局", "government"),
    ("水务局", "government"),
    ("文化旅游局", "government"),
    ("卫生健康委", "government"),
    ("应急管理局", "government"),
    ("审计局", "government"),
    ("国资委", "government"),
    ("市场监管局", "government"),
    ("体育局", "government"),
    ("统计局", "government"),
    ("绿化市容局", "government"),
    ("医保局", "government"),
    ("公安分局", "government"),
    ("司法局", "government"),
    ("数据局", "government"),
    ("城管执法局", "government"),
    ("退役军人事务局", "government"),
    ("机关事务管理局", "government"),
    ("信访办", "government"),
    ("金融办", "government"),
    ("投资促进办", "government"),
    ("政务服务办", "government"),
    ("民宗办", "government"),
    ("合作交流办", "government"),
    ("档案局", "government"),
    ("委组织部", "party"),
    ("委宣传部", "party"),
    ("委统战部", "party"),
    ("委政法委", "party"),
    ("纪委监委", "party"),
    ("人大办公室", "people"),
    ("政协办公室", "people"),
    ("法院", "court"),
    ("检察院", "court"),
];

const STREETS: &[&str] = &[
    "华阳路",
    "新华路",
    "江苏路",
    "天山路",
    "周家桥",
    "虹桥",
    "仙霞新村",
    "程家桥",
    "北新泾",
    "南京东路",
    "外滩",
    "半淞园路",
    "小东门",
    "豫园",
    "打浦桥",
    "淮海中路",
    "瑞金二路",
];

const CATEGORIES: &[&str] = &[
    "全力推动高质量发展",
    "深化改革开放",
    "提升城市功能品质",
    "加强城市精细化管理",
    "持续保障和改善民生",
    "推进社会治理现代化",
    "建设生态宜居城区",
    "繁荣公共文化",
    "防范化解重大风险",
    "加强政府自身建设",
];

const ORDINALS: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

const FIGURES: &[(&str, &str, f64, f64)] = &[
    ("新开工", "台", 20.0, 200.0),
    ("竣工", "个", 10.0, 120.0),
    ("改造", "户", 500.0, 5000.0),
    ("建成", "公里", 5.0, 60.0),
    ("新增", "张", 100.0, 1500.0),
];

/// A unit of the city; `owner` 0 is the city, 1.. the districts.
#[derive(Debug, Clone)]
pub struct CityUnit {
    pub name: String,
    pub kind: &'static str,
    pub owner: usize,
}

/// One plan: whose, which year, and its draft.
pub struct CityPlan {
    pub owner: usize,
    pub year: i16,
    pub draft: PlanDraft,
}

/// The owner's name: "上海市" or a district.
pub fn owner_name(owner: usize) -> String {
    match owner {
        0 => "上海市".to_string(),
        n => DISTRICTS
            .get(n - 1)
            .map_or_else(|| format!("第{n}区"), |d| d.to_string()),
    }
}

/// The city's units: a fifth are city departments, the rest shared among
/// the districts, each with departments first and then streets.
pub fn units(scale: &Scale) -> Vec<CityUnit> {
    let city = scale.units - scale.units * 4 / 5 / scale.districts.max(1) * scale.districts;
    let mut units: Vec<CityUnit> = (0..city)
        .map(|i| department("市", i, 0))
        .collect::<Vec<_>>();
    let per_district = (scale.units - city) / scale.districts.max(1);
    for owner in 1..=scale.districts {
        let district = owner_name(owner);
        let streets = per_district / 3;
        for i in 0..per_district - streets {
            units.push(department(&district, i, owner));
        }
        for i in 0..streets {
            let street = STREETS[i % STREETS.len()];
            let round = i / STREETS.len();
            let name = match round {
                0 => format!("{district}{street}街道"),
                n => format!("{district}{street}第{}街道", n + 1),
            };
            units.push(CityUnit {
                name,
                kind: "street",
                owner,
            });
        }
    }
    units
}

fn department(prefix: &str, i: usize, owner: usize) -> CityUnit {
    let (stem, kind) = DEPARTMENTS[i % DEPARTMENTS.len()];
    let round = i / DEPARTMENTS.len();
    // "市" + "委办公室" reads 市委办公室; a district's is 长宁区委办公室.
    let name = match round {
        0 => format!("{prefix}{stem}"),
        n => format!("{prefix}{stem}（{}）", n + 1),
    };
    CityUnit { name, kind, owner }
}

/// The unit registry (the TOML `duban parse --registry` reads) naming these units.
pub fn registry_toml(units: &[CityUnit]) -> String {
    let mut toml = String::from("district = \"上海市\"\n");
    for unit in units {
        toml.push_str(&format!(
            "\n[[unit]]\nname = \"{}\"\nkind = \"{}\"\naliases = []\n",
            unit.name, unit.kind
        ));
    }
    toml
}

/// Every plan of every owner and year, tasks and assignments spread evenly.
pub fn plans(scale: &Scale, units: &[CityUnit], rng: &mut impl Rng) -> Vec<CityPlan> {
    let owners = scale.districts + 1;
    let keys: Vec<(usize, i16)> = scale
        .years()
        .flat_map(|year| (0..owners).map(move |owner| (owner, year)))
        .collect();
    let task_shares: Vec<usize> = shares(scale.tasks, keys.len()).collect();
    let mut assignment_shares = shares(scale.assignments, keys.len());
    keys.iter()
        .zip(task_shares)
        .map(|(&(owner, year), tasks)| {
            let pool: Vec<&str> = units
                .iter()
                .filter(|u| u.owner == owner)
                .map(|u| u.name.as_str())
                .collect();
            let assignments = assignment_shares.next().unwrap_or(tasks).max(tasks);
            CityPlan {
                owner,
                year,
                draft: draft(scale, owner, year, tasks, assignments, &pool, rng),
            }
        })
        .collect()
}

fn draft(
    scale: &Scale,
    owner: usize,
    year: i16,
    tasks: usize,
    assignments: usize,
    pool: &[&str],
    rng: &mut impl Rng,
) -> PlanDraft {
    let categories: Vec<Category> = CATEGORIES
        .iter()
        .zip(ORDINALS)
        .take(tasks.min(CATEGORIES.len()))
        .map(|(title, ordinal)| Category {
            ordinal: ordinal.to_string(),
            title: title.to_string(),
            span: Span {
                start_line: 1,
                end_line: 1,
            },
        })
        .collect();
    let per_category: Vec<usize> = shares(tasks, categories.len()).collect();
    let mut unit_counts = shares(assignments, tasks);
    let mut list = Vec::with_capacity(tasks);
    for (category, count) in categories.iter().zip(per_category) {
        for _ in 0..count {
            let units = unit_counts.next().unwrap_or(1).clamp(1, pool.len());
            list.push(task(
                scale,
                year,
                &category.ordinal,
                list.len() + 1,
                units,
                pool,
                rng,
            ));
        }
    }
    PlanDraft {
        title: Some(format!(
            "{}{year}年重点推进和督查工作安排",
            owner_name(owner)
        )),
        year: Some(i32::from(year)),
        requirements: Vec::new(),
        categories,
        tasks: list,
        warnings: Vec::new(),
    }
}

fn task(
    scale: &Scale,
    year: i16,
    category: &str,
    number: usize,
    units: usize,
    pool: &[&str],
    rng: &mut impl Rng,
) -> Task {
    let title = text::task_title(rng);
    let body = text::task_body(rng, &title);
    // Half the tasks end with their year; the rest run into the next one or two
    // (三年行动计划), unless that is past the data's last year.
    let span = *[1, 1, 1, 2, 2, 3].choose(rng).unwrap_or(&1);
    let end_year = (year + span - 1).min(scale.as_of.year() + 1);
    let (date, text) = if span == 1 && rng.random_bool(0.3) {
        (format!("{end_year}-06-30"), format!("{end_year}年6月底前"))
    } else {
        (format!("{end_year}-12-31"), format!("{end_year}年底前"))
    };
    let mut chosen: Vec<&str> = pool.to_vec();
    chosen.shuffle(rng);
    chosen.truncate(units);
    let targets = if rng.random_bool(0.35) {
        let (metric, unit, low, high) = *FIGURES.choose(rng).unwrap_or(&FIGURES[0]);
        vec![Target {
            metric: metric.to_string(),
            op: Comparison::AtLeast,
            value: rng.random_range(low..high).round(),
            unit: unit.to_string(),
            qualifier: None,
        }]
    } else {
        Vec::new()
    };
    Task {
        number: number.to_string(),
        category: Some(category.to_string()),
        title,
        text: body,
        units: chosen
            .iter()
            .enumerate()
            .map(|(i, name)| UnitRef {
                name: name.to_string(),
                role: if i == 0 { Role::Lead } else { Role::Co },
            })
            .collect(),
        leaders: Vec::new(),
        deadline: Some(Deadline {
            date: Some(date),
            text,
        }),
        targets,
        directions: Vec::new(),
        span: Span {
            start_line: number as u32,
            end_line: number as u32,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn city() -> Scale {
        Scale::preset("city", "2026-11-30".parse().unwrap(), 1).unwrap()
    }

    #[test]
    fn the_city_has_its_units_with_unique_names() {
        let units = units(&city());
        assert_eq!(units.len(), 300);
        let mut names: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 300);
        assert_eq!(units.iter().filter(|u| u.owner == 0).count(), 60);
        let registry = duban_plan::Registry::from_toml(&registry_toml(&units)).unwrap();
        assert!(registry.knows("长宁区华阳路街道"));
    }

    #[test]
    fn plans_hold_the_tasks_and_assignments_asked_for() {
        let scale = city();
        let units = units(&scale);
        let plans = plans(&scale, &units, &mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(plans.len(), 17 * 6);
        let tasks: usize = plans.iter().map(|p| p.draft.tasks.len()).sum();
        let assignments: usize = plans
            .iter()
            .flat_map(|p| &p.draft.tasks)
            .map(|t| t.units.len())
            .sum();
        assert_eq!((tasks, assignments), (20_000, 60_000));
        // A district's plan names only that district's units.
        let district = plans.iter().find(|p| p.owner == 3).unwrap();
        assert!(
            district
                .draft
                .tasks
                .iter()
                .flat_map(|t| &t.units)
                .all(|u| u.name.starts_with("长宁区"))
        );
    }
}
