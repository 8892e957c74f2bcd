//! Writes a synthetic low-voltage feeder of N houses as an OpenDSS script, for the import and
//! simulation scale figures of BENCHMARKS.md: `cargo run --release --example feeder_dss -- N DIR`
//! writes `DIR/Master.dss`.
//!
//! An 11 kV source feeds a 0.416 kV bus through a transformer sized to the load; a trunk of
//! ⌈N/50⌉ sections runs from it, and from each trunk node a lateral of up to 50 houses in a
//! chain, each 1 kW at power factor 0.95 on a phase in rotation, following one of ten daily
//! 15-minute load shapes. Lines are `Line.trunk<i>` and `Line.lat<i>_<j>`.

/// Houses on one lateral.
const PER_LATERAL: usize = 50;
/// Distinct load shapes.
const SHAPES: usize = 10;

/// A daily shape of 96 quarter-hours: a morning and an evening peak, shifted per shape.
fn shape(k: usize) -> Vec<f64> {
    (0..96)
        .map(|q| {
            let h = q as f64 / 4.0 + k as f64 * 0.2;
            let peak = |centre: f64, width: f64| (-((h - centre) / width).powi(2)).exp();
            0.25 + 0.6 * peak(7.5, 1.5) + 1.2 * peak(19.0, 2.0)
        })
        .collect()
}

fn script(houses: usize) -> String {
    let mut s = String::new();
    let mut line = |text: String| {
        s.push_str(&text);
        s.push('\n');
    };
    line("Clear".into());
    line("New Circuit.synthetic basekV=11 pu=1.0 phases=3 bus1=sourcebus".into());
    let kva = (houses as f64 * 1.5).max(100.0).ceil();
    line(format!(
        "New Transformer.tx phases=3 windings=2 buses=[sourcebus lv] conns=[delta wye] \
         kVs=[11 0.416] kVAs=[{kva} {kva}] XHL=4 %Rs=[0.5 0.5]"
    ));
    line("New LineCode.trunk nphases=3 r1=0.1 x1=0.07 r0=0.3 x0=0.2 units=km normamps=400".into());
    line(
        "New LineCode.service nphases=3 r1=0.4 x1=0.08 r0=1.2 x0=0.3 units=km normamps=100".into(),
    );
    for k in 0..SHAPES {
        let mult: Vec<String> = shape(k).iter().map(|m| format!("{m:.4}")).collect();
        line(format!(
            "New LoadShape.shape{k} npts=96 minterval=15 mult=({})",
            mult.join(" ")
        ));
    }
    let laterals = houses.div_ceil(PER_LATERAL);
    let mut previous = "lv".to_string();
    for i in 0..laterals {
        let node = format!("t{i}");
        line(format!(
            "New Line.trunk{i} bus1={previous} bus2={node} linecode=trunk length=40 units=m"
        ));
        let mut upstream = node.clone();
        for j in 0..PER_LATERAL.min(houses - i * PER_LATERAL) {
            let house = i * PER_LATERAL + j;
            let bus = format!("h{house}");
            line(format!(
                "New Line.lat{i}_{j} bus1={upstream} bus2={bus} linecode=service length=15 units=m"
            ));
            let phase = house % 3 + 1;
            line(format!(
                "New Load.house{house} phases=1 bus1={bus}.{phase} kV=0.24 kW=1 pf=0.95 \
                 daily=shape{}",
                house % SHAPES
            ));
            upstream = bus;
        }
        previous = node;
    }
    s
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(houses), Some(dir)) = (args.first().and_then(|n| n.parse().ok()), args.get(1)) else {
        eprintln!("usage: feeder_dss HOUSES DIR");
        std::process::exit(2);
    };
    std::fs::create_dir_all(dir).expect("the folder can be made");
    let path = std::path::Path::new(dir).join("Master.dss");
    std::fs::write(&path, script(houses)).expect("the script can be written");
    println!("{}: {houses} houses", path.display());
}
