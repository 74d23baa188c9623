//! `generate-school`: a realistic school's import files (synthetic people, real curriculum hours).
//!
//! A Rust port of `shared/tools/make_school.py`: the same files, columns, curriculum table,
//! subgroup splitting, staffing rule, greedy timetable and name lists, so that the files import
//! into Otmetka exactly like `crates/api/tests/fixtures/school/*.csv` (which were made by that
//! script). The output is deterministic for a seed, but it does not reproduce Python's random
//! stream: the people and the timetable differ from the script's, the structure (classes, staff,
//! courses, timetable size) is the same. It also writes `holidays.csv` (the vacations between the
//! quarters and the public holidays that fall on school days, moved off weekends), which the
//! script does not make; for 2026 it equals the fixture. The `dirty/` variants are not made.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail, ensure};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// One subject of the curriculum: its name, short name and weekly hours in grades 1..=11.
#[derive(Debug, Clone, Copy)]
pub struct Subject {
    /// Full name, as in `subjects.csv` (`name`).
    pub name: &'static str,
    /// Short name (`short_name`).
    pub short: &'static str,
    /// Weekly hours per grade, index 0 = grade 1 (5-day week).
    pub hours: [u32; 11],
}

const fn subject(name: &'static str, short: &'static str, hours: [u32; 11]) -> Subject {
    Subject { name, short, hours }
}

/// Weekly hours per subject per grade, 5-day week: an approximation of the Russian federal
/// curricula (ФОП НОО / ООО / СОО, 2023), grades 1..11. Same table and order as make_school.py.
pub const CURRICULUM: &[Subject] = &[
    subject("Русский язык", "Рус", [5, 5, 5, 5, 5, 6, 4, 3, 3, 2, 2]),
    subject(
        "Литературное чтение",
        "ЛитЧт",
        [4, 4, 4, 3, 0, 0, 0, 0, 0, 0, 0],
    ),
    subject("Литература", "Лит", [0, 0, 0, 0, 3, 3, 2, 2, 3, 3, 3]),
    subject(
        "Иностранный язык (английский)",
        "Англ",
        [0, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3],
    ),
    subject("Математика", "Мат", [4, 4, 4, 4, 5, 5, 0, 0, 0, 0, 0]),
    subject("Алгебра", "Алг", [0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3]),
    subject("Геометрия", "Геом", [0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2]),
    subject(
        "Вероятность и статистика",
        "ВиС",
        [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
    ),
    subject("Информатика", "Инф", [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]),
    subject(
        "Окружающий мир",
        "ОкрМир",
        [2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0],
    ),
    subject("История", "Ист", [0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2]),
    subject("Обществознание", "Общ", [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2]),
    subject("География", "Геогр", [0, 0, 0, 0, 1, 1, 2, 2, 2, 1, 1]),
    subject("Физика", "Физ", [0, 0, 0, 0, 0, 0, 2, 2, 3, 2, 2]),
    subject("Химия", "Хим", [0, 0, 0, 0, 0, 0, 0, 2, 2, 1, 1]),
    subject("Биология", "Биол", [0, 0, 0, 0, 1, 1, 1, 2, 2, 1, 1]),
    subject("ОРКСЭ", "ОРКСЭ", [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
    subject("ОДНКНР", "ОДНКНР", [0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]),
    subject(
        "Изобразительное искусство",
        "ИЗО",
        [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
    ),
    subject("Музыка", "Муз", [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]),
    subject(
        "Труд (технология)",
        "Труд",
        [1, 1, 1, 1, 2, 2, 2, 1, 1, 0, 0],
    ),
    subject(
        "Основы безопасности и защиты Родины",
        "ОБЗР",
        [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
    ),
    subject(
        "Физическая культура",
        "Физк",
        [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
    ),
    subject("Родной язык", "РодЯз", [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]),
];

/// Subjects split into two subgroups (подгруппы) from grade 5.
const SPLIT: &[&str] = &[
    "Иностранный язык (английский)",
    "Информатика",
    "Труд (технология)",
];

/// Subjects of grades 1–4 taught by a subject teacher rather than the class's primary teacher.
const PRIMARY_BY_SPECIALIST: &[&str] = &[
    "Иностранный язык (английский)",
    "Физическая культура",
    "Музыка",
    "Родной язык",
];

const M_FIRST: &[&str] = &[
    "Александр",
    "Дмитрий",
    "Максим",
    "Иван",
    "Артём",
    "Михаил",
    "Даниил",
    "Кирилл",
    "Егор",
    "Никита",
    "Магомед",
    "Ахмед",
    "Расул",
    "Шамиль",
    "Арсен",
    "Тимур",
    "Рамазан",
    "Ислам",
    "Мурад",
    "Алибек",
    "Руслан",
    "Сергей",
    "Андрей",
    "Алексей",
    "Владимир",
];
const F_FIRST: &[&str] = &[
    "Анастасия",
    "Мария",
    "Дарья",
    "Анна",
    "Елизавета",
    "Полина",
    "Виктория",
    "София",
    "Алиса",
    "Ксения",
    "Патимат",
    "Аминат",
    "Мадина",
    "Хадижат",
    "Зарема",
    "Фатима",
    "Айшат",
    "Марьям",
    "Заира",
    "Саида",
    "Екатерина",
    "Ольга",
    "Наталья",
    "Елена",
    "Татьяна",
];
const SURNAMES: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Магомедов",
    "Алиев",
    "Абдуллаев",
    "Гаджиев",
    "Омаров",
    "Исмаилов",
    "Гасанов",
    "Рамазанов",
    "Шихалиев",
    "Мусаев",
    "Ибрагимов",
    "Каримов",
    "Салихов",
    "Юсупов",
    "Халилов",
    "Морозов",
    "Волков",
    "Лебедев",
    "Козлов",
    "Егоров",
];
const M_PATR: &[&str] = &[
    "Александрович",
    "Дмитриевич",
    "Иванович",
    "Сергеевич",
    "Андреевич",
    "Магомедович",
    "Ахмедович",
    "Расулович",
    "Шамилевич",
    "Муратович",
    "Алиевич",
    "Русланович",
    "Владимирович",
];

/// The class letters, in order; `--letters N` takes the first N.
const LETTERS: &[char] = &['А', 'Б', 'В', 'Г', 'Д'];

/// What to generate; the defaults are make_school.py's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    /// Parallel classes per grade in grades 1–9 (1..=5); grades 10–11 have one fewer (at least 1).
    pub letters: usize,
    /// Smallest class size.
    pub size_min: u32,
    /// Largest class size.
    pub size_max: u32,
    /// Seed of the random generator: the same seed gives the same files.
    pub seed: u64,
    /// First calendar year of the academic year (2026 → 2026/2027).
    pub year: i32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            letters: 2,
            size_min: 18,
            size_max: 27,
            seed: 20_260_901,
            year: 2026,
        }
    }
}

/// Parses a class size range `MIN-MAX` (e.g. `18-27`).
pub fn parse_size(s: &str) -> anyhow::Result<(u32, u32)> {
    let (a, b) = s
        .split_once('-')
        .context("class size range must be MIN-MAX, e.g. 18-27")?;
    let min: u32 = a
        .trim()
        .parse()
        .with_context(|| format!("bad class size {a:?}"))?;
    let max: u32 = b
        .trim()
        .parse()
        .with_context(|| format!("bad class size {b:?}"))?;
    ensure!(
        min >= 1 && min <= max,
        "class size range {s:?}: need 1 <= MIN <= MAX"
    );
    Ok((min, max))
}

/// One CSV file: its name in the output folder, header and rows.
#[derive(Debug, Clone)]
pub struct CsvFile {
    /// File name, e.g. `students.csv`; the stem is the import `kind`.
    pub name: &'static str,
    /// Column names.
    pub header: Vec<&'static str>,
    /// Rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

impl CsvFile {
    /// A file named `name` with its header and rows.
    fn new(name: &'static str, header: &[&'static str], rows: Vec<Vec<String>>) -> CsvFile {
        CsvFile {
            name,
            header: header.to_vec(),
            rows,
        }
    }

    /// The file as CSV text: `,`-separated, CRLF line ends (like Python's `csv.writer`), fields
    /// quoted only when they need it.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        write_record(&mut out, self.header.iter().copied());
        for row in &self.rows {
            write_record(&mut out, row.iter().map(String::as_str));
        }
        out
    }
}

/// One CSV record and its CRLF: a field with a comma, a quote or a line break is quoted, its
/// quotes doubled.
fn write_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push_str("\r\n");
}

/// How much was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Classes.
    pub classes: usize,
    /// Students.
    pub students: usize,
    /// Parent rows (one per parent; every parent has one child).
    pub parents: usize,
    /// Staff (principals, admin, teachers).
    pub staff: usize,
    /// Courses (class or subgroup × subject).
    pub courses: usize,
    /// Timetable rows.
    pub timetable: usize,
    /// Lessons the greedy timetable could not place (0 for sane parameters).
    pub unplaced: usize,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} classes, {} students, {} parents, {} staff, {} courses, {} timetable entries, {} unplaced",
            self.classes,
            self.students,
            self.parents,
            self.staff,
            self.courses,
            self.timetable,
            self.unplaced
        )
    }
}

/// A generated school: its files in import order and the counts.
#[derive(Debug, Clone)]
pub struct School {
    /// `periods`, `subjects`, `staff`, `classes`, `students`, `parents`, `courses`,
    /// `bell_schedule`, `holidays`, `timetable` — the order a new school imports them in.
    pub files: Vec<CsvFile>,
    /// How much of everything.
    pub counts: Counts,
}

impl School {
    /// The file named `name` (e.g. `students.csv`).
    #[cfg(test)]
    pub fn file(&self, name: &str) -> Option<&CsvFile> {
        self.files.iter().find(|f| f.name == name)
    }

    /// Writes every file into `dir` (created when missing).
    pub fn write_to(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        for f in &self.files {
            let path = dir.join(f.name);
            std::fs::write(&path, f.to_csv())
                .with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sex {
    M,
    F,
}

/// The feminine form of a surname (Иванов → Иванова; Шихалиев → Шихалиева).
fn fem(surname: &str) -> String {
    if ["ов", "ев", "ёв", "ин"]
        .iter()
        .any(|s| surname.ends_with(s))
    {
        format!("{surname}а")
    } else {
        surname.to_owned()
    }
}

/// The feminine patronymic (Иванович → Ивановна, Сергеевич → Сергеевна).
fn fem_patronymic(p: &str) -> String {
    let stem: String = {
        let n = p.chars().count();
        p.chars().take(n.saturating_sub(4)).collect()
    };
    if p.ends_with("ович") {
        format!("{stem}овна")
    } else {
        format!("{stem}евна")
    }
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or_default()
}

/// Last, first and middle name of a person of `sex`; the family's surname when given.
fn person(rng: &mut StdRng, sex: Sex, surname: Option<&str>) -> [String; 3] {
    let s = match surname {
        Some(s) => s,
        None => pick(rng, SURNAMES),
    };
    match sex {
        Sex::F => {
            let first = pick(rng, F_FIRST);
            let middle = fem_patronymic(pick(rng, M_PATR));
            [fem(s), first.to_owned(), middle]
        }
        Sex::M => [
            s.to_owned(),
            pick(rng, M_FIRST).to_owned(),
            pick(rng, M_PATR).to_owned(),
        ],
    }
}

struct Course {
    class: usize,
    subject: usize,
    teacher: usize,
    hours: u32,
    /// 0: the whole class; 1 or 2: that subgroup.
    group: u8,
}

fn staff_ext(i: usize) -> String {
    format!("T{:04}", i + 1)
}

fn date(y: i32, m: u32, d: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).with_context(|| format!("no date {y}-{m}-{d}"))
}

/// Generates the school.
pub fn generate(p: &Params) -> anyhow::Result<School> {
    ensure!(
        (1..=LETTERS.len()).contains(&p.letters),
        "--letters must be 1..=5"
    );
    ensure!(
        p.size_min >= 1 && p.size_min <= p.size_max,
        "bad class size range"
    );
    ensure!((1900..=9000).contains(&p.year), "--year out of range");
    let mut rng = StdRng::seed_from_u64(p.seed);
    let mut files = Vec::new();

    // periods
    let y = p.year;
    let ay = format!("{y}/{}", y + 1);
    let quarters = [
        (date(y, 9, 1)?, date(y, 10, 24)?),
        (date(y, 11, 5)?, date(y, 12, 26)?),
        (date(y + 1, 1, 12)?, date(y + 1, 3, 20)?),
        (date(y + 1, 3, 30)?, date(y + 1, 5, 26)?),
    ];
    files.push(CsvFile::new(
        "periods.csv",
        &["academic_year", "kind", "number", "starts_on", "ends_on"],
        quarters
            .iter()
            .enumerate()
            .map(|(i, (s, e))| {
                vec![
                    ay.clone(),
                    "quarter".into(),
                    (i + 1).to_string(),
                    s.to_string(),
                    e.to_string(),
                ]
            })
            .collect(),
    ));

    // subjects
    files.push(CsvFile::new(
        "subjects.csv",
        &["name", "short_name"],
        CURRICULUM
            .iter()
            .map(|s| vec![s.name.to_owned(), s.short.to_owned()])
            .collect(),
    ));

    // classes: grades 1–9 with every letter, 10–11 with one fewer
    let letters = &LETTERS[..p.letters];
    let senior = &letters[..(letters.len() - 1).max(1)];
    let classes: Vec<(u32, char)> = (1..=11u32)
        .flat_map(|g| {
            let ls = if g <= 9 { letters } else { senior };
            ls.iter().map(move |&l| (g, l))
        })
        .collect();
    let class_name = |c: usize| format!("{}{}", classes[c].0, classes[c].1);

    // staff: two principals, an admin, a primary teacher per class of grades 1–4, subject
    // teachers by load (22 hours a week each)
    let mut staff: Vec<Vec<String>> = Vec::new();
    let mut new_staff = |rng: &mut StdRng, role: &str, subject: &str| -> usize {
        let i = staff.len();
        let sex = if rng.r#gen::<f64>() < 0.8 {
            Sex::F
        } else {
            Sex::M
        };
        let [last, first, middle] = person(rng, sex, None);
        staff.push(vec![
            staff_ext(i),
            last,
            first,
            middle,
            role.to_owned(),
            subject.to_owned(),
            format!("t{:04}@school.example", i + 1),
        ]);
        i
    };
    new_staff(&mut rng, "principal", "");
    new_staff(&mut rng, "principal", "");
    new_staff(&mut rng, "admin", "");
    let mut primary_teacher: HashMap<usize, usize> = HashMap::new();
    for (c, &(g, _)) in classes.iter().enumerate() {
        if g <= 4 {
            primary_teacher.insert(c, new_staff(&mut rng, "teacher", "начальные классы"));
        }
    }
    let is_split = |s: usize, g: u32| g >= 5 && SPLIT.contains(&CURRICULUM[s].name);
    let mut load = vec![0u32; CURRICULUM.len()];
    for &(g, _) in &classes {
        for (s, subj) in CURRICULUM.iter().enumerate() {
            let h = subj.hours[g as usize - 1];
            if h > 0 && g >= 5 {
                load[s] += h * if is_split(s, g) { 2 } else { 1 };
            }
        }
    }
    let mut pool: Vec<Vec<usize>> = Vec::with_capacity(CURRICULUM.len());
    for (s, subj) in CURRICULUM.iter().enumerate() {
        let n = if load[s] > 0 {
            load[s].div_ceil(22).max(1)
        } else {
            0
        };
        pool.push(
            (0..n)
                .map(|_| new_staff(&mut rng, "teacher", subj.name))
                .collect(),
        );
    }
    let all_subject_teachers: Vec<usize> = pool.iter().flatten().copied().collect();

    // classes, students, parents, courses
    let mut classes_rows = Vec::new();
    let mut students = Vec::new();
    let mut parents = Vec::new();
    let mut courses: Vec<Course> = Vec::new();
    let mut per_teacher: HashMap<usize, u32> = HashMap::new();
    let birth_base = y - 7;
    for (c, &(g, l)) in classes.iter().enumerate() {
        let cname = class_name(c);
        let size = rng.gen_range(p.size_min..=p.size_max);
        let ct = match primary_teacher.get(&c) {
            Some(&t) => t,
            None => *all_subject_teachers
                .choose(&mut rng)
                .context("no subject teachers")?,
        };
        classes_rows.push(vec![
            cname.clone(),
            g.to_string(),
            l.to_string(),
            staff_ext(ct),
        ]);
        for i in 0..size {
            let sex = if rng.gen_bool(0.5) { Sex::M } else { Sex::F };
            let fam = pick(&mut rng, SURNAMES);
            let [last, first, middle] = person(&mut rng, sex, Some(fam));
            let birth =
                date(birth_base - (g as i32 - 1), 1, 1)? + Days::new(rng.gen_range(0..=364u64));
            let ext = format!("S{:05}", students.len() + 1);
            let group = if i < size / 2 { 1 } else { 2 };
            students.push(vec![
                ext.clone(),
                last,
                first,
                middle,
                birth.to_string(),
                if sex == Sex::M { "M" } else { "F" }.to_owned(),
                cname.clone(),
                group.to_string(),
            ]);
            for (relation, psex, prob) in [("мать", Sex::F, 0.95), ("отец", Sex::M, 0.7)] {
                if rng.r#gen::<f64>() < prob {
                    let [plast, pfirst, pmiddle] = person(&mut rng, psex, Some(fam));
                    let phone = format!(
                        "+7 9{} {}-{}-{}",
                        rng.gen_range(10..=99),
                        rng.gen_range(100..=999),
                        rng.gen_range(10..=99),
                        rng.gen_range(10..=99)
                    );
                    parents.push(vec![
                        format!("P{:05}", parents.len() + 1),
                        plast,
                        pfirst,
                        pmiddle,
                        ext.clone(),
                        relation.to_owned(),
                        phone,
                    ]);
                }
            }
        }
        for (s, subj) in CURRICULUM.iter().enumerate() {
            let h = subj.hours[g as usize - 1];
            if h == 0 {
                continue;
            }
            let groups: &[u8] = if is_split(s, g) { &[1, 2] } else { &[0] };
            for &group in groups {
                let teacher = if g <= 4 && !PRIMARY_BY_SPECIALIST.contains(&subj.name) {
                    primary_teacher[&c]
                } else {
                    let cand: Vec<usize> = if pool[s].is_empty() {
                        primary_teacher.get(&c).copied().into_iter().collect()
                    } else {
                        pool[s].clone()
                    };
                    // the least loaded so far; the first of equals
                    let mut best: Option<(usize, u32)> = None;
                    for t in cand {
                        let l = per_teacher.get(&t).copied().unwrap_or(0);
                        if best.is_none_or(|(_, bl)| l < bl) {
                            best = Some((t, l));
                        }
                    }
                    match best {
                        Some((t, _)) => t,
                        None => bail!("no teacher for {} in {cname}", subj.name),
                    }
                };
                *per_teacher.entry(teacher).or_insert(0) += h;
                courses.push(Course {
                    class: c,
                    subject: s,
                    teacher,
                    hours: h,
                    group,
                });
            }
        }
    }

    let counts_staff = staff.len();
    files.push(CsvFile::new(
        "staff.csv",
        &[
            "external_id",
            "last_name",
            "first_name",
            "middle_name",
            "role",
            "subject",
            "email",
        ],
        staff,
    ));
    files.push(CsvFile::new(
        "classes.csv",
        &["name", "grade", "letter", "class_teacher_external_id"],
        classes_rows,
    ));
    let counts_students = students.len();
    files.push(CsvFile::new(
        "students.csv",
        &[
            "external_id",
            "last_name",
            "first_name",
            "middle_name",
            "birth_date",
            "sex",
            "class",
            "group",
        ],
        students,
    ));
    let counts_parents = parents.len();
    files.push(CsvFile::new(
        "parents.csv",
        &[
            "external_id",
            "last_name",
            "first_name",
            "middle_name",
            "student_external_id",
            "relation",
            "phone",
        ],
        parents,
    ));
    let group_str = |g: u8| if g == 0 { String::new() } else { g.to_string() };
    files.push(CsvFile::new(
        "courses.csv",
        &[
            "class",
            "subject",
            "teacher_external_id",
            "hours_per_week",
            "group",
        ],
        courses
            .iter()
            .map(|c| {
                vec![
                    class_name(c.class),
                    CURRICULUM[c.subject].name.to_owned(),
                    staff_ext(c.teacher),
                    c.hours.to_string(),
                    group_str(c.group),
                ]
            })
            .collect(),
    ));

    let bells = [
        ("08:30", "09:15"),
        ("09:25", "10:10"),
        ("10:30", "11:15"),
        ("11:35", "12:20"),
        ("12:30", "13:15"),
        ("13:25", "14:10"),
        ("14:20", "15:05"),
    ];
    files.push(CsvFile::new(
        "bell_schedule.csv",
        &["number", "starts_at", "ends_at"],
        bells
            .iter()
            .enumerate()
            .map(|(i, (s, e))| vec![(i + 1).to_string(), (*s).to_owned(), (*e).to_owned()])
            .collect(),
    ));

    files.push(CsvFile::new(
        "holidays.csv",
        &["name", "kind", "starts_on", "ends_on"],
        holidays(&quarters)?,
    ));

    // timetable: greedy placement, no teacher in two places at once, the subgroups of one
    // subject share a slot, at most two lessons of a subject a day
    let mut busy: HashSet<(usize, u32, u32)> = HashSet::new();
    let mut tt: Vec<Vec<String>> = Vec::new();
    let mut unplaced = 0;
    for (c, &(g, _)) in classes.iter().enumerate() {
        let cname = class_name(c);
        let maxslot = if g == 1 {
            5
        } else if g <= 4 {
            6
        } else {
            7
        };
        // the class's courses grouped by subject, in course order
        let mut by_subj: Vec<(usize, Vec<usize>)> = Vec::new();
        for (i, course) in courses.iter().enumerate().filter(|(_, x)| x.class == c) {
            match by_subj.iter_mut().find(|(s, _)| *s == course.subject) {
                Some((_, v)) => v.push(i),
                None => by_subj.push((course.subject, vec![i])),
            }
        }
        let mut units: Vec<&(usize, Vec<usize>)> = Vec::new();
        for unit in &by_subj {
            for _ in 0..courses[unit.1[0]].hours {
                units.push(unit);
            }
        }
        units.shuffle(&mut rng);
        let mut used: HashMap<(u32, u32), usize> = HashMap::new(); // (day, number) → subject
        for (subj, unit) in units {
            let mut placed = false;
            'slots: for n in 1..=maxslot {
                let mut days = [1u32, 2, 3, 4, 5];
                days.shuffle(&mut rng);
                for d in days {
                    if used.contains_key(&(d, n)) {
                        continue;
                    }
                    let same_day = used.iter().filter(|((dd, _), s)| *dd == d && *s == subj);
                    if same_day.count() >= 2 {
                        continue;
                    }
                    if unit
                        .iter()
                        .any(|&i| busy.contains(&(courses[i].teacher, d, n)))
                    {
                        continue;
                    }
                    for &i in unit {
                        let course = &courses[i];
                        busy.insert((course.teacher, d, n));
                        tt.push(vec![
                            cname.clone(),
                            d.to_string(),
                            n.to_string(),
                            CURRICULUM[course.subject].name.to_owned(),
                            staff_ext(course.teacher),
                            group_str(course.group),
                            String::new(),
                        ]);
                    }
                    used.insert((d, n), *subj);
                    placed = true;
                    break 'slots;
                }
            }
            if !placed {
                unplaced += 1;
            }
        }
    }
    let counts = Counts {
        classes: classes.len(),
        students: counts_students,
        parents: counts_parents,
        staff: counts_staff,
        courses: courses.len(),
        timetable: tt.len(),
        unplaced,
    };
    files.push(CsvFile::new(
        "timetable.csv",
        &[
            "class",
            "weekday",
            "lesson_number",
            "subject",
            "teacher_external_id",
            "group",
            "room",
        ],
        tt,
    ));
    Ok(School { files, counts })
}

const MONTHS_GENITIVE: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// `holidays.csv` rows: the vacations between the quarters, and the public holidays that fall
/// inside a quarter (a Saturday or Sunday one moved to the next Monday, named «… (перенос с
/// 1 мая)»), sorted by their first day.
fn holidays(quarters: &[(NaiveDate, NaiveDate)]) -> anyhow::Result<Vec<Vec<String>>> {
    let names = ["Осенние каникулы", "Зимние каникулы", "Весенние каникулы"];
    let mut rows: Vec<(NaiveDate, Vec<String>)> = Vec::new();
    for (i, w) in quarters.windows(2).enumerate() {
        let start = w[0].1 + Days::new(1);
        let end = w[1].0 - Days::new(1);
        if start <= end {
            let name = names.get(i).copied().unwrap_or("Каникулы");
            rows.push((
                start,
                vec![
                    name.into(),
                    "vacation".into(),
                    start.to_string(),
                    end.to_string(),
                ],
            ));
        }
    }
    let first_year = quarters.first().map_or(2026, |q| q.0.year());
    let fixed = [
        ("День народного единства", first_year, 11, 4),
        ("День защитника Отечества", first_year + 1, 2, 23),
        ("Международный женский день", first_year + 1, 3, 8),
        ("Праздник Весны и Труда", first_year + 1, 5, 1),
        ("День Победы", first_year + 1, 5, 9),
    ];
    for (name, y, m, d) in fixed {
        let day = date(y, m, d)?;
        let (day, name) = match day.weekday() {
            Weekday::Sat | Weekday::Sun => {
                let monday = day + Days::new(if day.weekday() == Weekday::Sat { 2 } else { 1 });
                let mut n = name.to_owned();
                let _ = write!(n, " (перенос с {d} {})", MONTHS_GENITIVE[m as usize - 1]);
                (monday, n)
            }
            _ => (day, name.to_owned()),
        };
        if quarters.iter().any(|(s, e)| *s <= day && day <= *e) {
            rows.push((
                day,
                vec![name, "holiday".into(), day.to_string(), day.to_string()],
            ));
        }
    }
    rows.sort_by_key(|(d, _)| *d);
    Ok(rows.into_iter().map(|(_, r)| r).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> Params {
        Params {
            letters: 3,
            size_min: 24,
            size_max: 30,
            ..Params::default()
        }
    }

    #[test]
    fn reference_school_has_design_structure() -> anyhow::Result<()> {
        // DESIGN §7: `make_school.py --letters 3 --size 24-30` → 31 classes, 57 staff; the
        // script also gives 464 courses and 934 timetable entries.
        let school = generate(&reference())?;
        let c = school.counts;
        assert_eq!(c.classes, 31);
        assert_eq!(c.staff, 57);
        assert_eq!(c.courses, 464);
        assert_eq!(c.unplaced, 0);
        assert_eq!(c.timetable, 934);
        // random sizes: 31 classes × 24..=30, ≈ 856 in the script
        assert!((31 * 24..=31 * 30).contains(&c.students), "{c}");
        // ≈ 1.65 parents a student (0.95 + 0.7)
        assert!(
            c.parents * 100 > c.students * 150 && c.parents * 100 < c.students * 180,
            "{c}"
        );
        Ok(())
    }

    #[test]
    fn default_school_matches_fixture_structure() -> anyhow::Result<()> {
        // crates/api/tests/fixtures/school was made by make_school.py with the defaults:
        // 20 classes, 42 staff, 298 courses, 602 timetable entries.
        let school = generate(&Params::default())?;
        let c = school.counts;
        assert_eq!(
            (c.classes, c.staff, c.courses, c.timetable, c.unplaced),
            (20, 42, 298, 602, 0)
        );
        let classes = school.file("classes.csv").context("classes")?;
        let names: Vec<&str> = classes.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(&names[..4], ["1А", "1Б", "2А", "2Б"]);
        assert_eq!(&names[names.len() - 2..], ["10А", "11А"]);
        assert_eq!(classes.rows[0][3], "T0004");
        Ok(())
    }

    #[test]
    fn same_seed_same_files_other_seed_other_people() -> anyhow::Result<()> {
        let a = generate(&Params::default())?;
        let b = generate(&Params::default())?;
        let c = generate(&Params {
            seed: 7,
            ..Params::default()
        })?;
        for (fa, fb) in a.files.iter().zip(&b.files) {
            assert_eq!(fa.to_csv(), fb.to_csv(), "{}", fa.name);
        }
        let students = |s: &School| s.file("students.csv").map(CsvFile::to_csv);
        assert_ne!(students(&a), students(&c));
        Ok(())
    }

    #[test]
    fn headers_and_static_files_match_fixtures() -> anyhow::Result<()> {
        let school = generate(&Params::default())?;
        let names: Vec<&str> = school.files.iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "periods.csv",
                "subjects.csv",
                "staff.csv",
                "classes.csv",
                "students.csv",
                "parents.csv",
                "courses.csv",
                "bell_schedule.csv",
                "holidays.csv",
                "timetable.csv"
            ]
        );
        let text = |n: &str| school.file(n).map(CsvFile::to_csv).unwrap_or_default();
        assert_eq!(
            text("periods.csv"),
            "academic_year,kind,number,starts_on,ends_on\r\n\
             2026/2027,quarter,1,2026-09-01,2026-10-24\r\n\
             2026/2027,quarter,2,2026-11-05,2026-12-26\r\n\
             2026/2027,quarter,3,2027-01-12,2027-03-20\r\n\
             2026/2027,quarter,4,2027-03-30,2027-05-26\r\n"
        );
        // the fixture's holidays.csv (hand-made for 2026/2027)
        assert_eq!(
            text("holidays.csv"),
            "name,kind,starts_on,ends_on\r\n\
             Осенние каникулы,vacation,2026-10-25,2026-11-04\r\n\
             Зимние каникулы,vacation,2026-12-27,2027-01-11\r\n\
             День защитника Отечества,holiday,2027-02-23,2027-02-23\r\n\
             Международный женский день,holiday,2027-03-08,2027-03-08\r\n\
             Весенние каникулы,vacation,2027-03-21,2027-03-29\r\n\
             Праздник Весны и Труда (перенос с 1 мая),holiday,2027-05-03,2027-05-03\r\n\
             День Победы (перенос с 9 мая),holiday,2027-05-10,2027-05-10\r\n"
        );
        assert!(text("subjects.csv").starts_with("name,short_name\r\nРусский язык,Рус\r\n"));
        assert!(text("bell_schedule.csv").ends_with("7,14:20,15:05\r\n"));
        let staff = school.file("staff.csv").context("staff")?;
        assert_eq!(
            staff.header.join(","),
            "external_id,last_name,first_name,middle_name,role,subject,email"
        );
        assert_eq!(staff.rows[0][4], "principal");
        assert_eq!(staff.rows[2][4], "admin");
        assert_eq!(staff.rows[3][5], "начальные классы");
        assert_eq!(staff.rows[41][6], "t0042@school.example");
        Ok(())
    }

    #[test]
    fn timetable_has_no_teacher_or_class_conflicts() -> anyhow::Result<()> {
        let school = generate(&reference())?;
        let tt = school.file("timetable.csv").context("timetable")?;
        // a class slot holds one subject (its subgroups may share it)
        let mut class_slot: HashMap<(&str, &str, &str), &str> = HashMap::new();
        // a teacher is in one class at a time (both subgroups of one class may share a teacher)
        let mut teacher_slot: HashMap<(&str, &str, &str), &str> = HashMap::new();
        let mut per_day: HashMap<(&str, &str, &str), HashSet<&str>> = HashMap::new();
        for r in &tt.rows {
            let (class, day, n, subj, teacher) = (&*r[0], &*r[1], &*r[2], &*r[3], &*r[4]);
            assert_eq!(
                *class_slot.entry((class, day, n)).or_insert(subj),
                subj,
                "{r:?}"
            );
            assert_eq!(
                *teacher_slot.entry((teacher, day, n)).or_insert(class),
                class,
                "{r:?}"
            );
            per_day.entry((class, day, subj)).or_default().insert(n);
        }
        assert!(per_day.values().all(|ns| ns.len() <= 2));
        // every course's weekly hours are placed
        let courses = school.file("courses.csv").context("courses")?;
        for c in &courses.rows {
            let placed = tt
                .rows
                .iter()
                .filter(|r| r[0] == c[0] && r[3] == c[1] && r[5] == c[4])
                .count();
            assert_eq!(placed.to_string(), c[3], "{c:?}");
        }
        Ok(())
    }

    #[test]
    fn names_and_people() -> anyhow::Result<()> {
        assert_eq!(fem("Иванов"), "Иванова");
        assert_eq!(fem("Фёдоров"), "Фёдорова");
        assert_eq!(fem("Шихалиев"), "Шихалиева");
        assert_eq!(fem_patronymic("Иванович"), "Ивановна");
        assert_eq!(fem_patronymic("Сергеевич"), "Сергеевна");
        assert_eq!(fem_patronymic("Шамилевич"), "Шамилевна");
        let school = generate(&Params::default())?;
        let students = school.file("students.csv").context("students")?;
        let parents = school.file("parents.csv").context("parents")?;
        for p in &parents.rows {
            let child = students
                .rows
                .iter()
                .find(|s| s[0] == p[4])
                .context("child")?;
            // a mother carries the feminine form of the family name, a father the masculine
            let fam = child[1].trim_end_matches('а');
            assert!(p[1].starts_with(fam), "{p:?} {child:?}");
            assert!(p[6].starts_with("+7 9") && p[6].len() == "+7 912 345-67-89".len());
        }
        for s in &students.rows {
            let born = NaiveDate::parse_from_str(&s[4], "%Y-%m-%d")?;
            let grade: i32 = s[6]
                .trim_end_matches(|c: char| !c.is_ascii_digit())
                .parse()?;
            assert_eq!(born.year(), 2019 - (grade - 1), "{s:?}");
            assert!(s[5] == "M" || s[5] == "F");
        }
        Ok(())
    }

    #[test]
    fn size_parsing() {
        assert_eq!(parse_size("18-27").ok(), Some((18, 27)));
        assert!(parse_size("27-18").is_err());
        assert!(parse_size("20").is_err());
    }

    #[test]
    fn writes_the_files() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let school = generate(&Params {
            letters: 1,
            ..Params::default()
        })?;
        school.write_to(&dir.path().join("school"))?;
        let students = std::fs::read_to_string(dir.path().join("school/students.csv"))?;
        assert_eq!(students.lines().count(), school.counts.students + 1);
        assert!(students.starts_with(
            "external_id,last_name,first_name,middle_name,birth_date,sex,class,group\r\nS00001,"
        ));
        for f in &school.files {
            assert!(
                dir.path().join("school").join(f.name).is_file(),
                "{}",
                f.name
            );
        }
        Ok(())
    }
}
