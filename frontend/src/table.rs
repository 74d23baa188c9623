//! Data tables built as plain data and rendered to HTML text.
//!
//! The roster and import pages show long tables (a class list, 735 import rows, the people
//! list). Written as Leptos views, every table's row type is compiled into its own rendering
//! code; built here as data and rendered by one function, they cost a few string pushes each,
//! which keeps the SPA within its download budget (DESIGN §6). Every text is escaped. Buttons
//! carry `data-action` and `data-index`; the page listens for clicks on the table once (see
//! `pages::DataTable`). Links are ordinary `<a href>`, which the router takes over.

/// A piece of a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    /// Grey text.
    Muted(String),
    /// Monospaced text (codes).
    Mono(String),
    Link {
        href: String,
        testid: &'static str,
        text: String,
    },
    /// A button that reports `(action, index)` to the page.
    Button {
        action: &'static str,
        index: usize,
        testid: &'static str,
        text: String,
        danger: bool,
    },
    Badge {
        class: &'static str,
        text: String,
    },
    /// A bulleted list (an import row's problems).
    List {
        testid: &'static str,
        items: Vec<String>,
    },
    /// Starts a new line.
    Break,
}

/// A table cell: `label` is shown before the value when the table turns into cards on phones.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cell {
    pub label: String,
    pub testid: Option<&'static str>,
    pub attrs: Vec<(&'static str, String)>,
    pub parts: Vec<Part>,
}

impl Cell {
    pub fn new(label: impl Into<String>) -> Cell {
        Cell {
            label: label.into(),
            ..Cell::default()
        }
    }

    pub fn testid(mut self, testid: &'static str) -> Cell {
        self.testid = Some(testid);
        self
    }

    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Cell {
        self.attrs.push((name, value.into()));
        self
    }

    pub fn part(mut self, part: Part) -> Cell {
        self.parts.push(part);
        self
    }

    pub fn text(self, text: impl Into<String>) -> Cell {
        self.part(Part::Text(text.into()))
    }

    pub fn muted(self, text: impl Into<String>) -> Cell {
        self.part(Part::Muted(text.into()))
    }
}

/// A table row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub testid: &'static str,
    pub class: Option<&'static str>,
    pub attrs: Vec<(&'static str, String)>,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn new(testid: &'static str) -> Row {
        Row {
            testid,
            ..Row::default()
        }
    }

    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Row {
        self.attrs.push((name, value.into()));
        self
    }

    pub fn class(mut self, class: &'static str) -> Row {
        self.class = Some(class);
        self
    }

    pub fn cell(mut self, cell: Cell) -> Row {
        self.cells.push(cell);
        self
    }
}

/// A table: column headings (an empty one is read out as `hidden`) and rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub testid: &'static str,
    pub head: Vec<String>,
    pub rows: Vec<Row>,
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape(value, out);
    out.push('"');
}

fn part(out: &mut String, p: &Part) {
    match p {
        Part::Text(t) => escape(t, out),
        Part::Muted(t) => {
            out.push_str("<span class=\"muted\">");
            escape(t, out);
            out.push_str("</span>");
        }
        Part::Mono(t) => {
            out.push_str("<span class=\"mono\">");
            escape(t, out);
            out.push_str("</span>");
        }
        Part::Link { href, testid, text } => {
            out.push_str("<a");
            attr(out, "href", href);
            attr(out, "data-testid", testid);
            out.push('>');
            escape(text, out);
            out.push_str("</a>");
        }
        Part::Button {
            action,
            index,
            testid,
            text,
            danger,
        } => {
            out.push_str("<button type=\"button\"");
            let class = if *danger {
                "button button-danger"
            } else {
                "button button-quiet"
            };
            attr(out, "class", class);
            attr(out, "data-testid", testid);
            attr(out, "data-action", action);
            attr(out, "data-index", &index.to_string());
            out.push('>');
            escape(text, out);
            out.push_str("</button>");
        }
        Part::Badge { class, text } => {
            out.push_str("<span");
            attr(out, "class", class);
            out.push('>');
            escape(text, out);
            out.push_str("</span>");
        }
        Part::List { testid, items } => {
            out.push_str("<ul class=\"problems\"");
            attr(out, "data-testid", testid);
            out.push('>');
            for item in items {
                out.push_str("<li>");
                escape(item, out);
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        Part::Break => out.push_str("<br>"),
    }
}

/// The table as HTML (`<table class="table table-cards">…</table>`).
pub fn render(table: &Table) -> String {
    let mut out = String::with_capacity(256 + table.rows.len() * 256);
    out.push_str("<table class=\"table table-cards\"");
    attr(&mut out, "data-testid", table.testid);
    out.push_str("><thead><tr>");
    for h in &table.head {
        out.push_str("<th scope=\"col\">");
        if h.is_empty() {
            out.push_str("<span class=\"visually-hidden\">—</span>");
        } else {
            escape(h, &mut out);
        }
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        out.push_str("<tr");
        attr(&mut out, "data-testid", row.testid);
        if let Some(class) = row.class {
            attr(&mut out, "class", class);
        }
        for (name, value) in &row.attrs {
            attr(&mut out, name, value);
        }
        out.push('>');
        for cell in &row.cells {
            out.push_str("<td");
            attr(&mut out, "data-label", &cell.label);
            if let Some(testid) = cell.testid {
                attr(&mut out, "data-testid", testid);
            }
            for (name, value) in &cell.attrs {
                attr(&mut out, name, value);
            }
            out.push('>');
            let buttons = cell.parts.iter().any(|p| matches!(p, Part::Button { .. }));
            if buttons {
                out.push_str("<div class=\"actions\">");
            }
            for p in &cell.parts {
                part(&mut out, p);
            }
            if buttons {
                out.push_str("</div>");
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// The `(action, index)` of a clicked button, from its `data-action` and `data-index`.
pub fn parse_action(action: Option<String>, index: Option<String>) -> Option<(String, usize)> {
    Some((action?, index?.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_everywhere() {
        let mut out = String::new();
        escape(r#"<b>"Ф & Ко"</b> 'x'"#, &mut out);
        assert_eq!(out, "&lt;b&gt;&quot;Ф &amp; Ко&quot;&lt;/b&gt; &#39;x&#39;");
        let table = Table {
            testid: "t",
            head: vec!["<ФИО>".into(), String::new()],
            rows: vec![
                Row::new("row")
                    .attr("data-id", "a\"b")
                    .cell(Cell::new("ФИО").testid("name").part(Part::Link {
                        href: "/persons/1?school=2&x=<".into(),
                        testid: "link",
                        text: "<script>".into(),
                    }))
                    .cell(Cell::new("").part(Part::Button {
                        action: "withdraw",
                        index: 3,
                        testid: "withdraw-open",
                        text: "Выбытие".into(),
                        danger: false,
                    })),
            ],
        };
        let html = render(&table);
        assert!(
            html.contains("<th scope=\"col\">&lt;ФИО&gt;</th>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"visually-hidden\">"), "{html}");
        assert!(html.contains("data-id=\"a&quot;b\""), "{html}");
        assert!(
            html.contains("href=\"/persons/1?school=2&amp;x=&lt;\""),
            "{html}"
        );
        assert!(html.contains(">&lt;script&gt;</a>"), "{html}");
        assert!(!html.contains("<script>"));
        assert!(
            html.contains("data-action=\"withdraw\" data-index=\"3\">Выбытие</button>"),
            "{html}"
        );
        assert!(html.contains("<div class=\"actions\">"), "{html}");
        assert!(html.starts_with("<table class=\"table table-cards\" data-testid=\"t\">"));
        assert!(html.ends_with("</tbody></table>"));
    }

    #[test]
    fn cells_carry_their_label_for_phones_and_their_attributes() {
        let row = Row::new("r")
            .class("row-error")
            .cell(Cell::new("Строка").attr("data-line", "7").text("7"))
            .cell(Cell::new("Ошибки").part(Part::List {
                testid: "problems",
                items: vec!["birth_date: 31.02.2015".into()],
            }));
        let html = render(&Table {
            testid: "t",
            head: Vec::new(),
            rows: vec![row],
        });
        assert!(
            html.contains("<tr data-testid=\"r\" class=\"row-error\">"),
            "{html}"
        );
        assert!(
            html.contains("<td data-label=\"Строка\" data-line=\"7\">7</td>"),
            "{html}"
        );
        assert!(html.contains("<li>birth_date: 31.02.2015</li>"), "{html}");
    }

    #[test]
    fn a_click_names_the_action_and_the_row() {
        assert_eq!(
            parse_action(Some("transfer".into()), Some("4".into())),
            Some(("transfer".to_string(), 4))
        );
        assert_eq!(
            parse_action(Some("transfer".into()), Some("x".into())),
            None
        );
        assert_eq!(parse_action(None, Some("1".into())), None);
    }
}
