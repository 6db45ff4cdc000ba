//! Inline SVG charts for the HTML report: a radar of area levels, horizontal bars of shares,
//! and stacked bars of how targets spread over the levels.
//!
//! The charts are plain SVG text (no script, no external reference), sized by a `viewBox`
//! so they scale with the page and print sharply. Every piece of text that comes from a
//! model or a result goes through [`escape`].

use std::fmt::Write;

/// Escapes text for SVG (XML) content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Shortens a label to `max` characters, with an ellipsis.
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_owned();
    }
    let mut s: String = label.chars().take(max - 1).collect();
    s.push('…');
    s
}

/// A radar chart of levels 1 to `max`: one spoke per area, the polygon joining the levels.
/// `areas` are (name, level) in the model's order; fewer than three areas still draw
/// (as a line or a point).
pub fn radar(areas: &[(&str, f64)], max: u8) -> String {
    let (cx, cy, r) = (320.0_f64, 210.0_f64, 150.0_f64);
    let n = areas.len().max(1) as f64;
    let point = |i: usize, value: f64| {
        let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n;
        let d = r * (value / f64::from(max)).clamp(0.0, 1.0);
        (cx + d * angle.cos(), cy + d * angle.sin())
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart radar" role="img" viewBox="0 0 640 420" xmlns="http://www.w3.org/2000/svg"><title>Level per area (1 to {max})</title>"#
    );
    // Rings, one per level.
    for level in 1..=max {
        let ring: Vec<String> = (0..areas.len().max(3))
            .map(|i| {
                let (x, y) = if areas.len() >= 3 {
                    point(i, f64::from(level))
                } else {
                    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / 3.0;
                    let d = r * f64::from(level) / f64::from(max);
                    (cx + d * angle.cos(), cy + d * angle.sin())
                };
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(svg, r#"<polygon class="ring" points="{}"/>"#, ring.join(" "));
        let _ = write!(
            svg,
            r#"<text class="tick" x="{:.1}" y="{:.1}">{level}</text>"#,
            cx + 3.0,
            cy - r * f64::from(level) / f64::from(max) + 4.0
        );
    }
    for (i, (name, _)) in areas.iter().enumerate() {
        let (x, y) = point(i, f64::from(max));
        let _ = write!(svg, r#"<line class="spoke" x1="{cx:.1}" y1="{cy:.1}" x2="{x:.1}" y2="{y:.1}"/>"#);
        let (lx, ly) = point(i, f64::from(max) * 1.12);
        let anchor = if (lx - cx).abs() < 1.0 {
            "middle"
        } else if lx > cx {
            "start"
        } else {
            "end"
        };
        let _ = write!(
            svg,
            r#"<text class="label" x="{lx:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
            ly + 4.0,
            escape(&short(name, 24))
        );
    }
    if !areas.is_empty() {
        let shape: Vec<String> = areas
            .iter()
            .enumerate()
            .map(|(i, (_, level))| {
                let (x, y) = point(i, *level);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(svg, r#"<polygon class="shape" points="{}"/>"#, shape.join(" "));
        for (i, (name, level)) in areas.iter().enumerate() {
            let (x, y) = point(i, *level);
            let _ = write!(
                svg,
                r#"<circle class="dot" cx="{x:.1}" cy="{y:.1}" r="4"><title>{}: level {level}</title></circle>"#,
                escape(name)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars of shares in 0..=1, one per (label, share), with the percentage written
/// beside each bar.
pub fn bars(title: &str, items: &[(&str, f64)]) -> String {
    let row = 26.0;
    let height = 30.0 + row * items.len() as f64;
    let (left, width) = (200.0, 250.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart bars" role="img" viewBox="0 0 520 {height:.0}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title)
    );
    let _ = write!(svg, r#"<text class="heading" x="0" y="16">{}</text>"#, escape(title));
    for (i, (label, share)) in items.iter().enumerate() {
        let share = share.clamp(0.0, 1.0);
        let y = 28.0 + row * i as f64;
        let _ = write!(
            svg,
            r#"<text class="label" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 8.0,
            y + 14.0,
            escape(&short(label, 26))
        );
        let _ = write!(svg, r#"<rect class="track" x="{left}" y="{y:.1}" width="{width}" height="18"/>"#);
        let _ = write!(svg, r#"<rect class="bar" x="{left}" y="{y:.1}" width="{:.1}" height="18"/>"#, width * share);
        let _ = write!(
            svg,
            r#"<text class="value" x="{:.1}" y="{:.1}">{:.0} %</text>"#,
            left + width + 6.0,
            y + 14.0,
            share * 100.0
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The vertical scale of a trend chart.
#[derive(Debug, Clone, Copy)]
pub enum Scale {
    /// Levels 1 to this maximum.
    Levels(u8),
    /// A share, 0 to 1, labelled in percent.
    Percent,
}

impl Scale {
    /// The ticks: value and label.
    fn ticks(self) -> Vec<(f64, String)> {
        match self {
            Scale::Levels(max) => (1..=max.max(2)).map(|l| (f64::from(l), l.to_string())).collect(),
            Scale::Percent => (0..=4).map(|q| (f64::from(q) / 4.0, format!("{} %", q * 25))).collect(),
        }
    }

    /// Where a value falls, 0 at the bottom and 1 at the top.
    fn position(self, value: f64) -> f64 {
        match self {
            Scale::Levels(max) => (value - 1.0) / (f64::from(max.max(2)) - 1.0),
            Scale::Percent => value.clamp(0.0, 1.0),
        }
    }
}

/// Lines: each series' value at each point of the history, oldest on the left.
pub fn trend(title: &str, points: &[&str], areas: &[(&str, Vec<Option<f64>>)], scale: Scale) -> String {
    let (left, top, width, height) = (40.0, 30.0, 420.0, 160.0);
    let legend_row = 18.0;
    let total = top + height + 40.0 + legend_row * areas.len() as f64;
    let x = |i: usize| left + if points.len() > 1 { width * i as f64 / (points.len() - 1) as f64 } else { width / 2.0 };
    let y = |value: f64| top + height - height * scale.position(value);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart trend" role="img" viewBox="0 0 520 {total:.0}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title)
    );
    let _ = write!(svg, r#"<text class="heading" x="0" y="16">{}</text>"#, escape(title));
    for (value, label) in scale.ticks() {
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{left}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><text class="label" x="{:.1}" y="{:.1}" text-anchor="end">{label}</text>"#,
            left + width,
            y(value),
            y(value),
            left - 6.0,
            y(value) + 4.0
        );
    }
    for (i, point) in points.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<text class="label" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x(i),
            top + height + 18.0,
            escape(&short(point, 10))
        );
    }
    for (n, (area, values)) in areas.iter().enumerate() {
        let series: Vec<String> =
            values.iter().enumerate().filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v)))).collect();
        let class = format!("series s{}", n % 9);
        let _ = write!(svg, r#"<polyline class="{class}" fill="none" points="{}"/>"#, series.join(" "));
        for p in &series {
            let (px, py) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(svg, r#"<circle class="{class}" cx="{px}" cy="{py}" r="3"/>"#);
        }
        let ly = top + height + 40.0 + legend_row * n as f64;
        let _ = write!(
            svg,
            r#"<rect class="{class}" x="{left}" y="{:.1}" width="12" height="4"/><text class="label" x="{:.1}" y="{:.1}">{}</text>"#,
            ly - 6.0,
            left + 18.0,
            ly,
            escape(&short(area, 40))
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Stacked bars: per area, how many targets are at each level 1 to 5.
pub fn distribution(title: &str, areas: &[(&str, [usize; 5])]) -> String {
    let row = 26.0;
    let height = 52.0 + row * areas.len() as f64;
    let (left, width) = (200.0, 290.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart distribution" role="img" viewBox="0 0 520 {height:.0}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title)
    );
    let _ = write!(svg, r#"<text class="heading" x="0" y="16">{}</text>"#, escape(title));
    for (i, (label, counts)) in areas.iter().enumerate() {
        let y = 28.0 + row * i as f64;
        let total: usize = counts.iter().sum();
        let _ = write!(
            svg,
            r#"<text class="label" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 8.0,
            y + 14.0,
            escape(&short(label, 26))
        );
        let _ = write!(svg, r#"<rect class="track" x="{left}" y="{y:.1}" width="{width}" height="18"/>"#);
        let mut x = left;
        for (level, count) in counts.iter().enumerate() {
            if *count == 0 || total == 0 {
                continue;
            }
            let w = width * *count as f64 / total as f64;
            let _ = write!(
                svg,
                r#"<rect class="level-{}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="18"><title>level {}: {count}</title></rect>"#,
                level + 1,
                level + 1
            );
            x += w;
        }
    }
    // Legend.
    let y = 34.0 + row * areas.len() as f64;
    for level in 1..=5 {
        let x = left + (level - 1) as f64 * 60.0;
        let _ = write!(svg, r#"<rect class="level-{level}" x="{x:.1}" y="{y:.1}" width="12" height="12"/>"#);
        let _ = write!(svg, r#"<text class="tick" x="{:.1}" y="{:.1}">level {level}</text>"#, x + 16.0, y + 10.0);
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_no_script_is_possible() {
        let svg = radar(&[("<script>alert(1)</script>", 2.0), ("a & b", 3.0), ("c\"d", 1.0)], 5);
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
        assert!(svg.contains("a &amp; b"));
        assert!(svg.contains("c&quot;d"));
        let svg = bars("<b>", &[("x<y", 0.5)]);
        assert!(svg.contains("&lt;b&gt;") && svg.contains("x&lt;y") && svg.contains(">50 %<"), "{svg}");
    }

    #[test]
    fn radar_points_follow_the_levels() {
        // The first spoke points up: level 5 of 5 is the full radius above the centre.
        let svg = radar(&[("a", 5.0), ("b", 1.0), ("c", 1.0)], 5);
        assert!(svg.contains(r#"<polygon class="shape" points="320.0,60.0 "#), "{svg}");
        assert_eq!(svg.matches(r#"class="ring""#).count(), 5);
        assert_eq!(svg.matches(r#"class="dot""#).count(), 3);
    }

    #[test]
    fn bars_are_proportional_and_clamped() {
        let svg = bars("Coverage", &[("half", 0.5), ("over", 1.7)]);
        assert!(svg.contains(r#"class="bar" x="200" y="28.0" width="125.0""#), "{svg}");
        assert!(svg.contains(r#"width="250.0""#) && svg.contains(">100 %<"), "{svg}");
        let svg = distribution("Spread", &[("ci", [1, 0, 3, 0, 0])]);
        assert!(svg.contains(r#"class="level-1" x="200.0" y="28.0" width="72.5""#), "{svg}");
        assert!(svg.contains(r#"class="level-3" x="272.5" y="28.0" width="217.5""#), "{svg}");
    }
}
