//! Chinese text of realistic shape and length for the synthetic data set:
//! task titles and bodies, measures, report narratives, people's names. The
//! phrases are the vocabulary of district work plans; what matters to a
//! benchmark is their length and variety, not their sense.

use rand::Rng;
use rand::seq::IndexedRandom;

const VERBS: &[&str] = &[
    "推进", "加快", "深化", "完善", "落实", "提升", "推动", "加强", "优化", "实施", "统筹", "健全",
];

const SUBJECTS: &[&str] = &[
    "城市更新",
    "旧区改造",
    "加装电梯",
    "道路大修",
    "架空线入地",
    "美丽街区建设",
    "垃圾分类",
    "营商环境",
    "一网通办",
    "一网统管",
    "社区养老服务",
    "托育服务",
    "义务教育优质均衡",
    "医疗卫生服务体系",
    "生态环境治理",
    "河道水质提升",
    "公共文化服务",
    "智慧城市建设",
    "重大项目建设",
    "产业园区转型",
    "人才公寓供给",
    "安全生产隐患排查",
    "基层社会治理",
    "住宅小区综合治理",
    "数字化转型",
    "招商引资",
    "历史风貌保护",
    "体育设施建设",
    "就业创业服务",
    "保障性住房建设",
];

const MANNERS: &[&str] = &[
    "工作",
    "专项行动",
    "三年行动计划",
    "示范区建设",
    "体制机制改革",
    "重点项目",
    "试点工作",
    "攻坚任务",
];

const CLAUSES: &[&str] = &[
    "对照年度目标逐项分解任务",
    "建立周例会和月度推进机制",
    "会同相关部门开展联合检查",
    "加强与街镇的协调配合",
    "排定时间节点并落实到人",
    "完成现场踏勘和方案论证",
    "召开专题协调会研究解决难点问题",
    "组织第三方开展评估",
    "完成立项审批和招投标",
    "按计划推进施工并加强质量安全监管",
    "完善工作台账并及时更新",
    "开展群众满意度调查",
    "形成阶段性工作总结",
    "梳理存在问题并制定整改措施",
    "落实资金保障",
    "强化督促检查和考核评估",
    "完成年度目标任务的百分之八十",
    "推进数字化平台上线运行",
    "组织开展业务培训",
    "加强宣传引导",
];

const OBSTACLES: &[&str] = &[
    "受征收进度影响部分节点有所滞后",
    "个别点位居民意见尚未统一",
    "资金拨付流程较长",
    "施工许可办理时间较长",
    "涉及多个部门需进一步协调",
    "",
    "",
    "",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];

const GIVEN: &[&str] = &[
    "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀英", "华", "慧", "建国", "志强", "晓东", "海燕", "文", "红", "玲", "斌", "宇", "婷", "俊",
];

/// A task title: "推进城市更新专项行动".
pub fn task_title(rng: &mut impl Rng) -> String {
    format!(
        "{}{}{}",
        pick(rng, VERBS),
        pick(rng, SUBJECTS),
        pick(rng, MANNERS)
    )
}

/// A task's body: the title and three to eight clauses, 30 to 200 characters.
pub fn task_body(rng: &mut impl Rng, title: &str) -> String {
    let mut body = format!("{title}。");
    let clauses = rng.random_range(3..=8);
    for _ in 0..clauses {
        body.push_str(pick(rng, CLAUSES));
        body.push('，');
    }
    body.pop();
    body.push('。');
    body
}

/// A measure a unit sets itself: one or two clauses.
pub fn measure(rng: &mut impl Rng) -> String {
    if rng.random_bool(0.5) {
        pick(rng, CLAUSES).to_string()
    } else {
        format!("{}，{}", pick(rng, CLAUSES), pick(rng, CLAUSES))
    }
}

/// A report's narrative: 40 to 250 characters, now and then with an obstacle.
pub fn narrative(rng: &mut impl Rng, subject: &str) -> String {
    let mut text = format!("本期围绕{subject}，");
    let clauses = rng.random_range(1..=9);
    for _ in 0..clauses {
        text.push_str(pick(rng, CLAUSES));
        text.push('，');
    }
    let obstacle = pick(rng, OBSTACLES);
    if obstacle.is_empty() {
        text.pop();
        text.push('。');
    } else {
        text.push('但');
        text.push_str(obstacle);
        text.push('。');
    }
    text
}

/// A person's name: a surname and one or two characters.
pub fn person(rng: &mut impl Rng) -> String {
    format!("{}{}", pick(rng, SURNAMES), pick(rng, GIVEN))
}

fn pick<'a>(rng: &mut impl Rng, words: &'a [&'a str]) -> &'a str {
    words.choose(rng).copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn lengths_are_those_of_real_plans() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..200 {
            let title = task_title(&mut rng);
            let body = task_body(&mut rng, &title);
            let narrative = narrative(&mut rng, &title);
            assert!((6..=20).contains(&title.chars().count()), "{title}");
            assert!((30..=260).contains(&body.chars().count()), "{body}");
            assert!(
                (20..=260).contains(&narrative.chars().count()),
                "{narrative}"
            );
            assert!((2..=3).contains(&person(&mut rng).chars().count()));
        }
    }

    #[test]
    fn the_same_seed_writes_the_same_text() {
        let mut a = ChaCha8Rng::seed_from_u64(1);
        let mut b = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(task_title(&mut a), task_title(&mut b));
        assert_eq!(narrative(&mut a, "x"), narrative(&mut b, "x"));
    }
}
