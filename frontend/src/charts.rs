//! Small bar charts of the report pages, drawn as inline SVG by the SPA itself.
//!
//! No chart library and no CDN: DESIGN §6 keeps the first visit under 500 KB, and a plotting
//! crate (plotters with its SVG backend, its font and colour code) would cost a good part of that
//! budget for what is a handful of rectangles. So the charts are hand-written SVG: the geometry
//! (the value scale with «round» ticks, the bands and bar positions) is computed by the plain
//! functions below, tested on the host with real numbers, and [`chart_html`] writes the SVG text
//! that one `inner_html` puts on the page (as [`crate::table`] does for tables).
//!
//! A chart is a `<figure data-testid="chart-<name>">` with a caption, an `<svg role="img"
//! aria-label="…">` whose bars carry `<title>` tooltips («5А — Качество, %: 55,6») and value
//! labels, and an HTML legend. Categories × one or more series (grouped bars), values in % or
//! counts; the horizontal variant suits long labels (teacher names). Colours come from the CSS
//! classes `chart-s0` … `chart-s3` (report.css), which also print.

use crate::table::escape;

/// One series of values, aligned with the categories (`None`: no value, no bar).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// What a chart shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartData {
    /// The caption and the SVG's accessible name.
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// A fixed top of the scale (`Some(100.0)` for rates); `None`: a round value above the data.
    pub max: Option<f64>,
    /// Decimals of the value labels (shown with a decimal comma).
    pub decimals: u8,
    /// After each value label and tick: `%` or nothing.
    pub unit: &'static str,
    /// Shown instead of the chart when there is nothing to draw.
    pub empty_text: String,
}

/// The value axis: from 0 to `max` by `step`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub max: f64,
    pub step: f64,
}

/// A «round» step (1, 2 or 5 × 10ⁿ) that cuts `0..max` into at most about `target` parts.
pub fn nice_step(max: f64, target: usize) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// The scale for values up to `max_value`: a fixed top (rates: 100 with ticks every 20) or the
/// first multiple of a round step at or above the data; at least 1 (all zeros still draw an axis).
/// `integer`: counts, whose step is never below 1.
pub fn scale(max_value: f64, fixed: Option<f64>, integer: bool) -> Scale {
    const TICKS: usize = 5;
    if let Some(top) = fixed.filter(|t| *t > 0.0) {
        return Scale {
            max: top,
            step: nice_step(top, TICKS),
        };
    }
    let value = if max_value.is_finite() && max_value > 0.0 {
        max_value
    } else {
        1.0
    };
    let mut step = nice_step(value, TICKS);
    if integer && step < 1.0 {
        step = 1.0;
    }
    let max = (value / step).ceil() * step;
    Scale { max, step }
}

impl Scale {
    /// The tick values, 0 to `max` inclusive.
    pub fn ticks(self) -> Vec<f64> {
        let n = (self.max / self.step).round() as usize;
        (0..=n).map(|i| round6(i as f64 * self.step)).collect()
    }

    /// A value's length in pixels along an axis of `px` pixels (clamped to the axis).
    pub fn length(self, value: f64, px: f64) -> f64 {
        if self.max <= 0.0 {
            return 0.0;
        }
        (value.clamp(0.0, self.max) / self.max) * px
    }
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A rectangle in SVG pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// A drawn bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub category: usize,
    pub series: usize,
    pub value: f64,
    pub rect: Rect,
}

/// Where everything goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub horizontal: bool,
    /// The plotting area (the axes are its left and bottom edges).
    pub plot: Rect,
    pub scale: Scale,
    /// Each tick's value and its position along the value axis (y for vertical charts, x for
    /// horizontal ones).
    pub ticks: Vec<(f64, f64)>,
    /// Each category's band: its start and its width (x for vertical, y for horizontal).
    pub bands: Vec<(f64, f64)>,
    pub bars: Vec<Bar>,
    /// Horizontal charts: the characters of a category label that fit the label column.
    pub label_chars: usize,
}

/// Pixels of a character of the 12 px labels (an estimate: SVG text is not measured here).
pub const CHAR_PX: f64 = 7.0;
const AXIS_LEFT: f64 = 44.0;
const TOP: f64 = 22.0;
const BOTTOM: f64 = 30.0;
const RIGHT: f64 = 12.0;
const PLOT_HEIGHT: f64 = 200.0;
const MIN_PLOT_WIDTH: f64 = 280.0;
const BAR_MAX: f64 = 40.0;
const H_PLOT_WIDTH: f64 = 360.0;
const H_ROW_BAR: f64 = 16.0;
const H_ROW_GAP: f64 = 10.0;
const H_LABEL_MAX_CHARS: usize = 30;
const H_VALUE_ROOM: f64 = 52.0;

fn max_value(data: &ChartData) -> f64 {
    data.series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

/// Whether there is anything to draw.
pub fn has_values(data: &ChartData) -> bool {
    !data.categories.is_empty()
        && data
            .series
            .iter()
            .any(|s| s.values.iter().flatten().any(|v| v.is_finite()))
}

/// The chart's geometry. Vertical: a band per category, as wide as its bars (28 px each plus a
/// 16 px gap) or its label needs, the plot at least 280 px wide and 200 px high; bars at most
/// 40 px wide, centred in 80 % of the band. Horizontal: a row per category (16 px per series
/// plus 10), the labels in a column of up to 30 characters on the left, the plot 360 px wide.
pub fn layout(data: &ChartData, horizontal: bool) -> Layout {
    let n_cat = data.categories.len();
    let n_ser = data.series.len().max(1);
    let integer = data.decimals == 0;
    let scale = scale(max_value(data), data.max, integer);
    let mut bars = Vec::new();
    if horizontal {
        let longest = data
            .categories
            .iter()
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0);
        let label_chars = longest.min(H_LABEL_MAX_CHARS);
        let left = label_chars as f64 * CHAR_PX + 12.0;
        let row = n_ser as f64 * H_ROW_BAR + H_ROW_GAP;
        let top = 8.0;
        let plot = Rect {
            x: left,
            y: top,
            w: H_PLOT_WIDTH,
            h: n_cat as f64 * row,
        };
        let bands: Vec<(f64, f64)> = (0..n_cat).map(|c| (top + c as f64 * row, row)).collect();
        for (c, &(y, _)) in bands.iter().enumerate() {
            for (s, series) in data.series.iter().enumerate() {
                let Some(v) = series.values.get(c).copied().flatten() else {
                    continue;
                };
                bars.push(Bar {
                    category: c,
                    series: s,
                    value: v,
                    rect: Rect {
                        x: left,
                        y: y + H_ROW_GAP / 2.0 + s as f64 * H_ROW_BAR,
                        w: scale.length(v, H_PLOT_WIDTH),
                        h: H_ROW_BAR - 2.0,
                    },
                });
            }
        }
        let ticks = scale
            .ticks()
            .into_iter()
            .map(|t| (t, left + scale.length(t, H_PLOT_WIDTH)))
            .collect();
        Layout {
            width: left + H_PLOT_WIDTH + H_VALUE_ROOM,
            height: top + plot.h + BOTTOM,
            horizontal,
            plot,
            scale,
            ticks,
            bands,
            bars,
            label_chars,
        }
    } else {
        let label_px = data
            .categories
            .iter()
            .map(|c| c.chars().count() as f64 * CHAR_PX + 8.0)
            .fold(0.0, f64::max);
        let band_min = (n_ser as f64 * 28.0 + 16.0).max(label_px);
        let plot_w = (n_cat as f64 * band_min).max(MIN_PLOT_WIDTH);
        let band = if n_cat > 0 {
            plot_w / n_cat as f64
        } else {
            plot_w
        };
        let bar_w = (band * 0.8 / n_ser as f64).min(BAR_MAX);
        let plot = Rect {
            x: AXIS_LEFT,
            y: TOP,
            w: plot_w,
            h: PLOT_HEIGHT,
        };
        let bands: Vec<(f64, f64)> = (0..n_cat)
            .map(|c| (AXIS_LEFT + c as f64 * band, band))
            .collect();
        for (c, &(x, w)) in bands.iter().enumerate() {
            let group = bar_w * n_ser as f64;
            let start = x + (w - group) / 2.0;
            for (s, series) in data.series.iter().enumerate() {
                let Some(v) = series.values.get(c).copied().flatten() else {
                    continue;
                };
                let h = scale.length(v, PLOT_HEIGHT);
                bars.push(Bar {
                    category: c,
                    series: s,
                    value: v,
                    rect: Rect {
                        x: start + s as f64 * bar_w,
                        y: TOP + PLOT_HEIGHT - h,
                        w: bar_w,
                        h,
                    },
                });
            }
        }
        let ticks = scale
            .ticks()
            .into_iter()
            .map(|t| (t, TOP + PLOT_HEIGHT - scale.length(t, PLOT_HEIGHT)))
            .collect();
        Layout {
            width: AXIS_LEFT + plot_w + RIGHT,
            height: TOP + PLOT_HEIGHT + BOTTOM,
            horizontal,
            plot,
            scale,
            ticks,
            bands,
            bars,
            label_chars: 0,
        }
    }
}

/// A value as text with a decimal comma: `55,6`, `12`.
pub fn format_value(v: f64, decimals: u8) -> String {
    format!("{v:.prec$}", prec = usize::from(decimals)).replace('.', ",")
}

/// A label cut to `chars` characters with «…».
pub fn clip_label(label: &str, chars: usize) -> String {
    if label.chars().count() <= chars {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(chars.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// Pixels with at most one decimal, as SVG attributes want them.
fn px(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn text_el(out: &mut String, x: f64, y: f64, anchor: &str, class: &str, text: &str) {
    out.push_str("<text x=\"");
    out.push_str(&px(x));
    out.push_str("\" y=\"");
    out.push_str(&px(y));
    out.push_str("\" text-anchor=\"");
    out.push_str(anchor);
    out.push_str("\" class=\"");
    out.push_str(class);
    out.push_str("\">");
    escape(text, out);
    out.push_str("</text>");
}

/// The chart as HTML: `<figure class="chart" data-testid="chart-<name>">` with a caption, the
/// SVG and a legend; or the empty text when there is nothing to draw.
pub fn chart_html(name: &str, data: &ChartData, horizontal: bool) -> String {
    let mut out = String::with_capacity(2048);
    out.push_str("<figure class=\"chart\" data-testid=\"chart-");
    escape(name, &mut out);
    out.push_str("\"><figcaption class=\"chart-title\">");
    escape(&data.title, &mut out);
    out.push_str("</figcaption>");
    if !has_values(data) {
        out.push_str("<p class=\"chart-empty\">");
        escape(&data.empty_text, &mut out);
        out.push_str("</p></figure>");
        return out;
    }
    let l = layout(data, horizontal);
    let with_unit = |v: f64| format!("{}{}", format_value(v, data.decimals), data.unit);
    out.push_str("<div class=\"chart-scroll\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"chart-svg\"");
    out.push_str(&format!(
        " width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" aria-label=\"",
        w = px(l.width),
        h = px(l.height)
    ));
    escape(&data.title, &mut out);
    out.push_str("\"><title>");
    escape(&data.title, &mut out);
    out.push_str("</title>");
    // Grid lines and tick labels.
    for &(value, pos) in &l.ticks {
        let label = format!("{}{}", format_value(value, 0), data.unit);
        if l.horizontal {
            out.push_str(&format!(
                "<line class=\"chart-grid\" x1=\"{p}\" x2=\"{p}\" y1=\"{y1}\" y2=\"{y2}\"/>",
                p = px(pos),
                y1 = px(l.plot.y),
                y2 = px(l.plot.y + l.plot.h)
            ));
            text_el(
                &mut out,
                pos,
                l.plot.y + l.plot.h + 16.0,
                "middle",
                "chart-tick",
                &label,
            );
        } else {
            out.push_str(&format!(
                "<line class=\"chart-grid\" x1=\"{x1}\" x2=\"{x2}\" y1=\"{p}\" y2=\"{p}\"/>",
                x1 = px(l.plot.x),
                x2 = px(l.plot.x + l.plot.w),
                p = px(pos)
            ));
            text_el(
                &mut out,
                l.plot.x - 6.0,
                pos + 4.0,
                "end",
                "chart-tick",
                &label,
            );
        }
    }
    // Bars with their tooltips and value labels.
    for bar in &l.bars {
        let r = bar.rect;
        let series = data.series.get(bar.series).map_or("", |s| s.name.as_str());
        let category = data.categories.get(bar.category).map_or("", String::as_str);
        out.push_str(&format!(
            "<g class=\"chart-bar\" data-category=\"{}\" data-series=\"{}\"><rect class=\"chart-s{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>",
            bar.category,
            bar.series,
            bar.series % 4,
            px(r.x),
            px(r.y),
            px(r.w),
            px(r.h)
        ));
        escape(category, &mut out);
        out.push_str(" — ");
        escape(series, &mut out);
        out.push_str(": ");
        escape(&with_unit(bar.value), &mut out);
        out.push_str("</title></rect>");
        if l.horizontal {
            text_el(
                &mut out,
                r.x + r.w + 4.0,
                r.y + r.h - 3.0,
                "start",
                "chart-value",
                &with_unit(bar.value),
            );
        } else {
            text_el(
                &mut out,
                r.x + r.w / 2.0,
                r.y - 4.0,
                "middle",
                "chart-value",
                &format_value(bar.value, data.decimals),
            );
        }
        out.push_str("</g>");
    }
    // Category labels.
    for (c, &(start, size)) in l.bands.iter().enumerate() {
        let label = &data.categories[c];
        if l.horizontal {
            let shown = clip_label(label, l.label_chars);
            out.push_str("<g>");
            if shown != *label {
                out.push_str("<title>");
                escape(label, &mut out);
                out.push_str("</title>");
            }
            text_el(
                &mut out,
                l.plot.x - 6.0,
                start + size / 2.0 + 4.0,
                "end",
                "chart-label",
                &shown,
            );
            out.push_str("</g>");
        } else {
            text_el(
                &mut out,
                start + size / 2.0,
                l.plot.y + l.plot.h + 18.0,
                "middle",
                "chart-label",
                label,
            );
        }
    }
    // The axes.
    out.push_str(&format!(
        "<line class=\"chart-axis\" x1=\"{x}\" x2=\"{x}\" y1=\"{y1}\" y2=\"{y2}\"/><line class=\"chart-axis\" x1=\"{x}\" x2=\"{x2}\" y1=\"{y2}\" y2=\"{y2}\"/>",
        x = px(l.plot.x),
        x2 = px(l.plot.x + l.plot.w),
        y1 = px(l.plot.y),
        y2 = px(l.plot.y + l.plot.h)
    ));
    out.push_str("</svg></div><ul class=\"chart-legend\">");
    for (s, series) in data.series.iter().enumerate() {
        out.push_str(&format!(
            "<li><span class=\"chart-swatch chart-s{}\" aria-hidden=\"true\"></span>",
            s % 4
        ));
        escape(&series.name, &mut out);
        out.push_str("</li>");
    }
    out.push_str("</ul></figure>");
    out
}

pub use view::BarChart;

mod view {
    use leptos::prelude::*;

    use super::{ChartData, chart_html};

    /// A bar chart (`data-testid="chart-<name>"`); `data` may follow the language.
    #[component]
    pub fn BarChart(
        name: &'static str,
        #[prop(into)] data: Signal<ChartData>,
        /// Bars run left to right (long category labels: teacher names).
        #[prop(optional)]
        horizontal: bool,
    ) -> impl IntoView {
        let html = move || data.with(|d| chart_html(name, d, horizontal));
        view! { <div class="chart-wrap" inner_html=html></div> }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quality_data() -> ChartData {
        ChartData {
            title: "Качество и успеваемость по классам".into(),
            categories: vec!["5А".into(), "5Б".into(), "6А".into()],
            series: vec![
                Series {
                    name: "Качество, %".into(),
                    values: vec![Some(55.6), Some(40.0), None],
                },
                Series {
                    name: "Успеваемость, %".into(),
                    values: vec![Some(77.8), Some(100.0), Some(90.0)],
                },
            ],
            max: Some(100.0),
            decimals: 1,
            unit: "%",
            empty_text: "Нет данных".into(),
        }
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(100.0, 5), 20.0);
        assert_eq!(nice_step(77.8, 5), 20.0);
        assert_eq!(nice_step(12.0, 5), 5.0);
        assert_eq!(nice_step(7.0, 5), 2.0);
        assert_eq!(nice_step(3.0, 5), 1.0);
        assert_eq!(nice_step(0.8, 5), 0.2);
        assert_eq!(nice_step(430.0, 5), 100.0);
        assert_eq!(nice_step(0.0, 5), 1.0);
    }

    #[test]
    fn scales_end_on_a_round_value() {
        assert_eq!(
            scale(77.8, Some(100.0), false),
            Scale {
                max: 100.0,
                step: 20.0
            }
        );
        assert_eq!(
            scale(77.8, None, false),
            Scale {
                max: 80.0,
                step: 20.0
            }
        );
        assert_eq!(
            scale(13.0, None, true),
            Scale {
                max: 15.0,
                step: 5.0
            }
        );
        // Counts never step below one: 3 marks → 0, 1, 2, 3.
        assert_eq!(
            scale(3.0, None, true),
            Scale {
                max: 3.0,
                step: 1.0
            }
        );
        assert_eq!(
            scale(0.0, None, true),
            Scale {
                max: 1.0,
                step: 1.0
            }
        );
        let s = scale(8.4, None, false);
        assert_eq!(
            s,
            Scale {
                max: 10.0,
                step: 2.0
            }
        );
        assert_eq!(s.ticks(), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(
            scale(0.7, None, false).ticks(),
            vec![0.0, 0.2, 0.4, 0.6, 0.8]
        );
        assert_eq!(s.length(5.0, 200.0), 100.0);
        assert_eq!(s.length(12.0, 200.0), 200.0);
        assert_eq!(s.length(-1.0, 200.0), 0.0);
    }

    #[test]
    fn grouped_vertical_bars_sit_in_their_bands() {
        let l = layout(&quality_data(), false);
        // Bands: max(2·28 + 16, 2·7 + 8) = 72 px; 3 × 72 = 216 < 280 → 280 / 3 each.
        assert_eq!(
            l.plot,
            Rect {
                x: 44.0,
                y: 22.0,
                w: 280.0,
                h: 200.0
            }
        );
        assert_eq!((l.width, l.height), (336.0, 252.0));
        let band = 280.0 / 3.0;
        assert_eq!(l.bands[1], (44.0 + band, band));
        // Bars: min(0.8 · 93.3 / 2, 40) = 37.33 px, the pair centred in the band.
        assert_eq!(l.bars.len(), 5, "6А has no quality value");
        let b = l.bars[0];
        assert_eq!((b.category, b.series), (0, 0));
        let bar_w = band * 0.8 / 2.0;
        assert!((b.rect.w - bar_w).abs() < 1e-9);
        assert!((b.rect.x - (44.0 + (band - 2.0 * bar_w) / 2.0)).abs() < 1e-9);
        // 55.6 % of 200 px = 111.2 px, from the bottom at y = 222.
        assert!((b.rect.h - 111.2).abs() < 1e-9);
        assert!((b.rect.y - (222.0 - 111.2)).abs() < 1e-9);
        let pass = l.bars[1];
        assert!((pass.rect.x - (b.rect.x + bar_w)).abs() < 1e-9);
        assert!((pass.rect.h - 155.6).abs() < 1e-9);
        let full = l.bars[3];
        assert_eq!(
            (full.category, full.series, full.rect.h, full.rect.y),
            (1, 1, 200.0, 22.0)
        );
        // Ticks every 20 % from the bottom (y = 222) to the top (y = 22).
        assert_eq!(l.ticks.len(), 6);
        assert_eq!(l.ticks[0], (0.0, 222.0));
        assert_eq!(l.ticks[1], (20.0, 182.0));
        assert_eq!(l.ticks[5], (100.0, 22.0));
    }

    #[test]
    fn many_categories_widen_the_plot() {
        let data = ChartData {
            categories: (1..=10).map(|i| format!("{i}.11–{}.11", i + 6)).collect(),
            series: vec![Series {
                name: "Пропущено, %".into(),
                values: vec![Some(3.6); 10],
            }],
            decimals: 1,
            unit: "%",
            ..ChartData::default()
        };
        let l = layout(&data, false);
        // The longest label, «10.11–16.11», has 11 characters: 11 · 7 + 8 = 85 px a band.
        assert_eq!(l.bands[0], (44.0, 85.0));
        assert_eq!(l.plot.w, 850.0);
        // One bar: min(0.8 · 85, 40) = 40 px, centred: 44 + (85 − 40) / 2.
        assert_eq!(l.bars[0].rect.x, 66.5);
        assert_eq!(l.bars[0].rect.w, 40.0);
        // 3.6 % on a 0–4 % scale: 180 px.
        assert_eq!(
            l.scale,
            Scale {
                max: 4.0,
                step: 1.0
            }
        );
        assert!((l.bars[0].rect.h - 180.0).abs() < 1e-9);
    }

    #[test]
    fn horizontal_bars_leave_room_for_long_names() {
        let data = ChartData {
            categories: vec![
                "Иванова Мария Петровна".into(),
                "Константинопольский Александр Владимирович".into(),
            ],
            series: vec![Series {
                name: "Балл".into(),
                values: vec![Some(87.5), Some(50.0)],
            }],
            max: Some(100.0),
            decimals: 1,
            unit: "",
            ..ChartData::default()
        };
        let l = layout(&data, true);
        // Labels cut at 30 characters: 30 · 7 + 12 = 222 px on the left.
        assert_eq!(l.label_chars, 30);
        assert_eq!(
            l.plot,
            Rect {
                x: 222.0,
                y: 8.0,
                w: 360.0,
                h: 52.0
            }
        );
        assert_eq!((l.width, l.height), (634.0, 90.0));
        // 87.5 of 100 → 315 px; the first row's bar starts 5 px into its 26 px row.
        assert_eq!(
            l.bars[0].rect,
            Rect {
                x: 222.0,
                y: 13.0,
                w: 315.0,
                h: 14.0
            }
        );
        assert_eq!(
            l.bars[1].rect,
            Rect {
                x: 222.0,
                y: 39.0,
                w: 180.0,
                h: 14.0
            }
        );
        assert_eq!(l.ticks[1], (20.0, 222.0 + 72.0));
        assert_eq!(
            clip_label("Константинопольский Александр Владимирович", 30),
            "Константинопольский Александр…"
        );
        let html = chart_html("control-score", &data, true);
        assert!(html.contains("<title>Константинопольский Александр Владимирович</title>"));
        assert!(html.contains(">Константинопольский Александр…</text>"));
    }

    #[test]
    fn the_svg_is_accessible_and_labelled() {
        let html = chart_html("quality-by-class", &quality_data(), false);
        assert!(html.starts_with("<figure class=\"chart\" data-testid=\"chart-quality-by-class\"><figcaption class=\"chart-title\">Качество и успеваемость по классам</figcaption>"));
        assert!(html.contains("role=\"img\""));
        assert!(html.contains("aria-label=\"Качество и успеваемость по классам\""));
        assert!(html.contains("width=\"336\" height=\"252\" viewBox=\"0 0 336 252\""));
        assert!(
            html.contains("<title>5А — Качество, %: 55,6%</title>"),
            "{html}"
        );
        assert!(html.contains(">55,6</text>"));
        assert!(html.contains(">100%</text>"), "tick label");
        assert_eq!(html.matches("<g class=\"chart-bar\"").count(), 5);
        assert!(html.contains("<li><span class=\"chart-swatch chart-s1\" aria-hidden=\"true\"></span>Успеваемость, %</li>"));
        let mut empty = quality_data();
        empty
            .series
            .iter_mut()
            .for_each(|s| s.values = vec![None; 3]);
        let html = chart_html("quality-by-class", &empty, false);
        assert!(html.contains("<p class=\"chart-empty\">Нет данных</p>"));
        assert!(!html.contains("<svg"));
    }

    #[test]
    fn values_have_a_decimal_comma() {
        assert_eq!(format_value(55.56, 1), "55,6");
        assert_eq!(format_value(12.0, 0), "12");
        assert_eq!(px(12.345), "12.3");
        assert_eq!(px(40.0), "40");
    }
}
