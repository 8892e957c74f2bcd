//! Tests of the `.dss` reader: the grammar, every error, and the vendored public feeders
//! (`tests/data/feeders`, with their licences), whose counts were taken from the source files
//! by hand as each test's comment says. OpenDSS itself (opendssdirect.py 0.9.4) gives the same
//! buses, lines, switches, loads, kW and kvar; CI compares what `blackstart import dss` writes
//! with OpenDSS's counts (`.ci/dss-check.sh`, `.ci/crosscheck/dss_check.py`).

use std::path::{Path, PathBuf};

use super::lexer::tokenize;
use super::*;

fn feeders() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/feeders")
}

fn at() -> Location {
    Location {
        file: Path::new("t.dss").into(),
        line: 1,
    }
}

/// A small valid circuit that error tests extend.
const BASE: &str = "Clear\nNew Circuit.t basekv=12.47 bus1=src\n\
New Line.a bus1=src bus2=b phases=3 r1=0.1 x1=0.1 length=2 units=km\n";

fn read_text(text: &str) -> Result<Circuit, DssError> {
    read_str(text, Path::new("t.dss"))
}

fn err(text: &str) -> String {
    read_text(text)
        .expect_err("the script must fail")
        .to_string()
}

#[test]
fn lexer_splits_names_values_arrays_and_comments() {
    let p = tokenize(
        "New Line.x bus1 = a.1.2  kW=5, mult=(1 2|3) name='a b' ! gone",
        &at(),
    )
    .unwrap();
    let texts: Vec<(Option<&str>, &str, Option<char>)> = p
        .iter()
        .map(|p| (p.name.as_deref(), p.value.text.as_str(), p.value.delimiter))
        .collect();
    assert_eq!(
        texts,
        vec![
            (None, "New", None),
            (None, "Line.x", None),
            (Some("bus1"), "a.1.2", None),
            (Some("kw"), "5", None),
            (Some("mult"), "1 2|3", Some('(')),
            (Some("name"), "a b", Some('\'')),
        ]
    );
    assert!(tokenize("// all comment", &at()).unwrap().is_empty());
    assert_eq!(
        tokenize("x={2 [3] *}", &at()).unwrap()[0].value.text,
        "2 [3] *"
    );
}

#[test]
fn rpn_evaluates_in_line_arithmetic() {
    assert_eq!(rpn::evaluate("8 1000 /"), Ok(0.008));
    assert_eq!(rpn::evaluate("2 3 *"), Ok(6.0));
    assert_eq!(rpn::evaluate("2 sqr 1 +"), Ok(5.0));
    assert_eq!(rpn::evaluate("4 sqrt"), Ok(2.0));
    assert!(rpn::evaluate("1 +").is_err());
    assert!(rpn::evaluate("2 x").is_err());
}

#[test]
fn properties_positional_rpn_like_edit_more_and_block_comments() {
    let c = read_text(&format!(
        "{BASE}/* a block\n comment New Nonsense.x */\n\
         New Load.l1 3 b 0.4 {{2 3 *}} 1.0\n\
         New Load.l2 like=l1 kw=(10 2 /) numcust=12\n\
         ~ kvar=4\n\
         Edit Load.l1 conn=delta\n\
         Load.l2.model=2\n\
         New Line.sw b c switch=y enabled=n\n\
         New Transformer.t1 buses=[c, d.1.2.3] kvs=(0.4 0.23) kvas=[50 50] xhl={{8 1000 /}}\n\
         Set voltagebases=[12.47 0.4]\n\
         New Capacitor.c bus1=b kvar=100\n\
         Solve\n"
    ))
    .unwrap();
    let l1 = &c.loads[0];
    assert_eq!(
        (l1.phases, l1.bus1.name.as_str(), l1.kv, l1.kw),
        (3, "b", 0.4, 6.0)
    );
    assert_eq!(l1.kvar, 0.0); // pf=1.0 positionally
    assert_eq!(l1.conn, "delta");
    let l2 = &c.loads[1];
    assert_eq!(
        (l2.kw, l2.kvar, l2.num_customers, l2.model),
        (5.0, 4.0, 12, 2)
    );
    assert_eq!(l2.bus1.name, "b");
    let sw = &c.lines[1];
    assert!(sw.switch && !sw.enabled);
    let t = &c.transformers[0];
    assert_eq!(t.windings[1].bus.as_ref().unwrap().nodes, vec![1, 2, 3]);
    assert_eq!(
        (t.windings[0].kv, t.windings[1].kva, t.xhl_pct),
        (0.4, 50.0, 0.008)
    );
    assert_eq!(c.lines[0].length_km(None), Some(2.0));
    assert_eq!(c.settings[0].name, "voltagebases");
    let dropped: Vec<&str> = c.dropped.iter().map(|d| d.what.as_str()).collect();
    assert_eq!(dropped, vec!["capacitor.c", "command Solve"]);
    assert_eq!(c.dropped[0].at.line, 14);
}

#[test]
fn pf_gives_kvar_and_the_last_of_kvar_and_pf_wins() {
    let c = read_text(&format!(
        "{BASE}New Load.a bus1=b kw=100 pf=0.8\nNew Load.b bus1=b kw=100 pf=0.8 kvar=10\n\
         New Load.c bus1=b kw=100 kvar=10 pf=-0.8\n"
    ))
    .unwrap();
    let kvar: Vec<f64> = c
        .loads
        .iter()
        .map(|l| (l.kvar * 1e9).round() / 1e9)
        .collect();
    assert_eq!(kvar, vec![75.0, 10.0, -75.0]);
}

#[test]
fn unknown_class_fails_with_file_and_line() {
    let e = err(&format!("{BASE}New Lnie.x bus1=a bus2=b\n"));
    assert_eq!(e, "t.dss:4: unknown class `lnie` in `lnie.x`");
}

#[test]
fn positional_value_beyond_the_known_ones_fails_and_a_second_new_replaces() {
    let e = err(&format!("{BASE}New Loadshape.s 2 1 (1 2) extra\n"));
    assert_eq!(
        e,
        "t.dss:4: LoadShape.s: positional value `extra` (position 4) is beyond the positional \
         properties blackstart reads for this class; name the property (name=value)"
    );
    let c = read_text(&format!(
        "{BASE}New Load.l bus1=b kw=1\nNew Load.l bus1=b kw=2\n"
    ))
    .unwrap();
    assert_eq!((c.loads.len(), c.loads[0].kw), (1, 2.0));
    assert_eq!(c.dropped[0].reason, "redefined by New at t.dss:5");
    // Clear forgets everything before it.
    assert!(matches!(
        read_text(&format!("{BASE}Clear\n")),
        Err(DssError::NoCircuit { .. })
    ));
}

#[test]
fn unknown_command_fails() {
    assert_eq!(err("Nwe Line.x\n"), "t.dss:1: unknown command `Nwe`");
}

#[test]
fn non_numeric_kw_fails() {
    let e = err(&format!("{BASE}New Load.l bus1=b kW=lots\n"));
    assert_eq!(e, "t.dss:4: Load.l kw=lots: not a number");
    let e = err(&format!("{BASE}New Load.l bus1=b kW=(2 +)\n"));
    assert!(
        e.starts_with("t.dss:4: Load.l kw=2 +: not a number: `+` needs two numbers"),
        "{e}"
    );
}

#[test]
fn unknown_linecode_fails_where_it_is_referenced() {
    let e = err(&format!(
        "{BASE}New Line.b bus1=b bus2=c\n~ linecode=nope length=1\n"
    ));
    assert_eq!(
        e,
        "t.dss:5: Line.b linecode=nope: no LineCode.nope is defined"
    );
}

#[test]
fn load_on_a_bus_nothing_reaches_fails() {
    let e = err(&format!("{BASE}New Load.l bus1=typo.1 kw=1\n"));
    assert_eq!(
        e,
        "t.dss:4: Load.l bus1=typo: no line, transformer or source connects bus `typo`"
    );
}

#[test]
fn control_of_an_undefined_line_fails() {
    let e = err(&format!("{BASE}New Relay.r monitoredobj=line.zz\n"));
    assert_eq!(
        e,
        "t.dss:4: Relay.r element=line.zz: no such element is defined"
    );
}

#[test]
fn undefined_load_shape_and_edit_fail() {
    let e = err(&format!("{BASE}New Load.l bus1=b daily=nope\n"));
    assert_eq!(
        e,
        "t.dss:4: Load.l daily=nope: no LoadShape.nope is defined"
    );
    assert_eq!(
        err(&format!("{BASE}Edit Load.zz kw=1\n")),
        "t.dss:4: load.zz is not defined"
    );
    assert_eq!(
        err("~ kw=1\n"),
        "t.dss:1: `~` (More) continues no New or Edit"
    );
}

#[test]
fn unterminated_array_and_comment_fail() {
    let e = err(&format!("{BASE}New Load.l bus1=b kw=(1 2 *\n"));
    assert_eq!(e, "t.dss:4: unterminated (…): the line ends before `)`");
    let e = err(&format!("{BASE}/* open\nNew Load.l bus1=b\n"));
    assert_eq!(
        e,
        "t.dss:4: unterminated /* comment: no */ before the end of the file"
    );
}

#[test]
fn open_and_close_set_a_lines_state_in_order_and_name_a_defined_line() {
    let c = read_text(&format!(
        "{BASE}New Line.t bus1=b bus2=c switch=y\nOpen Line.a term=1\nOpen Line.t\n\
         Close Line.t\nOpen Capacitor.x\n"
    ))
    .unwrap();
    let open: Vec<(&str, bool)> = c.lines.iter().map(|l| (l.name.as_str(), l.open)).collect();
    assert_eq!(open, [("a", true), ("t", false)]);
    // Switching another element is listed, not applied.
    assert!(
        c.dropped
            .iter()
            .any(|d| d.what == "command Open" && d.at.line == 8),
        "{:?}",
        c.dropped
    );
    let e = err(&format!("{BASE}Open Line.nowhere\n"));
    assert_eq!(e, "t.dss:4: Line.nowhere is not defined");
}

#[test]
fn loadloss_puts_half_on_each_of_the_first_two_windings() {
    let c = read_text(&format!(
        "{BASE}New Transformer.t phases=1 buses=[b.1 c.1] kVs=[2.4 2.4] kVAs=[100 100] \
         %LoadLoss=0.02\n"
    ))
    .unwrap();
    let t = &c.transformers[0];
    assert_eq!((t.windings[0].pct_r, t.windings[1].pct_r), (0.01, 0.01));
}

#[test]
fn missing_redirect_target_fails() {
    let dir = tempfile::tempdir().unwrap();
    let master = dir.path().join("master.dss");
    std::fs::write(&master, format!("{BASE}Redirect sub/missing.dss\n")).unwrap();
    let e = read(&master).unwrap_err();
    assert!(
        matches!(&e, DssError::MissingRedirect { at, target, .. }
        if at.line == 4 && target.ends_with("sub/missing.dss")),
        "{e}"
    );
    assert!(
        e.to_string().contains("master.dss:4: Redirect target"),
        "{e}"
    );
}

#[test]
fn redirect_is_relative_to_the_including_file_and_cycles_fail() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("master.dss"),
        format!("{BASE}Redirect sub/a.dss\n"),
    )
    .unwrap();
    std::fs::write(dir.path().join("sub/a.dss"), "Redirect b.dss\n").unwrap();
    std::fs::write(dir.path().join("sub/b.dss"), "New Load.l bus1=b kw=3\n").unwrap();
    let c = read(&dir.path().join("master.dss")).unwrap();
    assert_eq!(c.loads[0].kw, 3.0);
    assert!(c.loads[0].at.file.ends_with("sub/b.dss"));
    std::fs::write(dir.path().join("sub/b.dss"), "Compile ../master.dss\n").unwrap();
    let e = read(&dir.path().join("master.dss")).unwrap_err();
    assert!(
        matches!(&e, DssError::RedirectCycle { at, .. } if at.line == 1),
        "{e}"
    );
}

#[test]
fn load_shape_file_shorter_than_npts_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("shape.csv"), "0.5\n0.7, x\n\n0.9\n").unwrap();
    let master = dir.path().join("master.dss");
    std::fs::write(
        &master,
        format!("{BASE}New Loadshape.s npts=4 minterval=15 mult=(file=shape.csv)\n"),
    )
    .unwrap();
    let e = read(&master).unwrap_err();
    assert!(
        matches!(&e, DssError::LoadShapeTooShort { npts: 4, found: 3, at, .. } if at.line == 4)
    );
    std::fs::write(
        &master,
        format!("{BASE}New Loadshape.s npts=2 minterval=15 mult=(file=shape.csv)\n"),
    )
    .unwrap();
    let c = read(&master).unwrap();
    assert_eq!(
        (c.load_shapes[0].mult.clone(), c.load_shapes[0].interval_h),
        (vec![0.5, 0.7], 0.25)
    );
    std::fs::write(dir.path().join("shape.csv"), "0.5\nabc\n").unwrap();
    let e = read(&master).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("shape.csv:2: load shape value `abc` is not a number"),
        "{e}"
    );
    std::fs::write(dir.path().join("two.csv"), "hour,kw\n1, 4.5\n2, 5.5\n").unwrap();
    std::fs::write(
        &master,
        format!("{BASE}New Loadshape.s mult=(file=two.csv col=2 header=yes)\n"),
    )
    .unwrap();
    assert_eq!(read(&master).unwrap().load_shapes[0].mult, vec![4.5, 5.5]);
    let e = err(&format!("{BASE}New Loadshape.s npts=3 mult=[1 2]\n"));
    assert_eq!(e, "t.dss:4: LoadShape.s npts=3 but mult has only 2 values");
}

/// IEEE 13-node feeder. Counted in `13Bus/IEEE13Nodeckt.dss`: 16 buses (SourceBus, 650, RG60,
/// 632, 633, 634, 645, 646, 670, 671, 680, 684, 611, 652, 692, 675); 12 `New Line` of which one
/// `Switch=y` (671692); 5 transformers (Sub, Reg1–3, XFM1); 15 loads whose kW sum to 3466 and
/// kvar to 2102 (`grep '^New Load' | grep -o kW=… | paste -sd+ | bc`); Capacitors Cap1, Cap2 and
/// RegControls Reg1–3 dropped.
#[test]
fn ieee13_counts() {
    let c = read(&feeders().join("opendss/IEEETestCases/13Bus/IEEE13Nodeckt.dss")).unwrap();
    assert_eq!(c.name, "ieee13nodeckt");
    assert_eq!(
        (c.source.base_kv, c.source.bus1.name.as_str()),
        (115.0, "sourcebus")
    );
    assert_eq!(c.buses().len(), 16);
    assert_eq!(c.lines.len(), 12);
    assert_eq!(
        c.switches().map(|l| l.name.as_str()).collect::<Vec<_>>(),
        vec!["671692"]
    );
    assert_eq!(c.transformers.len(), 5);
    assert_eq!(c.loads.len(), 15);
    assert_eq!(c.total_load_kw(), 3466.0);
    assert_eq!(c.total_load_kvar(), 2102.0);
    // XHL=(8 1000 /) in RPN; Line 650632 is 2000 ft of mtx601.
    assert_eq!(c.transformers[0].xhl_pct, 0.008);
    let l = &c.lines[0];
    assert_eq!(
        (l.name.as_str(), l.linecode.as_deref()),
        ("650632", Some("mtx601"))
    );
    assert!((c.line_length_km(l).unwrap() - 0.6096).abs() < 1e-12);
    // IEEELineCodes.DSS (through 13Bus/IEEELineCodes.DSS → ../IEEELineCodes.DSS) holds 29 codes,
    // the feeder 7 local mtx60x.
    assert_eq!(c.line_codes.len(), 29 + 7);
    let mut dropped: Vec<&str> = c
        .dropped
        .iter()
        .filter(|d| !d.what.contains("property"))
        .map(|d| d.what.as_str())
        .collect();
    dropped.sort();
    assert_eq!(
        dropped,
        vec![
            "capacitor.cap1",
            "capacitor.cap2",
            "command BusCoords",
            "command Solve",
            "command calcv",
            "regcontrol.reg1",
            "regcontrol.reg2",
            "regcontrol.reg3",
        ]
    );
}

/// IEEE European LV test feeder. Counted in `LVTestCase/`: `Lines.txt` has 905 lines from bus 1
/// to bus 906 (906 buses) and the transformer adds SourceBus: 907 buses; no switches; 55 loads in
/// `Loads.txt`, each kW=1 PF=0.95 (55 kW, 55·tan(acos 0.95) = 18.0776 kvar), each with its own
/// yearly shape `Shape_n` of 1440 one-minute points read from `load_profile_n.txt` (first value
/// of profile 1: 0.036; its sum 613.409).
#[test]
fn european_lv_counts() {
    let c = read(&feeders().join("opendss/IEEETestCases/LVTestCase/Master.dss")).unwrap();
    assert_eq!(c.source.base_kv, 11.0);
    assert_eq!(c.buses().len(), 907);
    assert_eq!(c.lines.len(), 905);
    assert_eq!(c.switches().count(), 0);
    assert_eq!(c.transformers.len(), 1);
    assert_eq!(c.loads.len(), 55);
    assert_eq!(c.total_load_kw(), 55.0);
    assert!((c.total_load_kvar() - 18.077_625_784_8).abs() < 1e-6);
    assert_eq!(c.load_shapes.len(), 55);
    let s = &c.load_shapes[0];
    assert_eq!(
        (s.name.as_str(), s.npts, s.mult.len()),
        ("shape_1", 1440, 1440)
    );
    assert!((s.interval_h - 1.0 / 60.0).abs() < 1e-15);
    assert_eq!(s.mult[0], 0.036);
    assert!((s.mult.iter().sum::<f64>() - 613.409).abs() < 1e-6);
    assert!(c.loads.iter().all(|l| l.yearly.is_some()));
    // Line 1: 1.098 m of 4c_70.
    assert!((c.line_length_km(&c.lines[0]).unwrap() - 0.001098).abs() < 1e-15);
    // The two uncommented monitors and the energy meter (positional `LINE.LINE1 1`) are dropped.
    let dropped = |prefix: &str| {
        c.dropped
            .iter()
            .filter(|d| d.what.starts_with(prefix))
            .count()
    };
    assert_eq!((dropped("monitor."), dropped("energymeter.")), (2, 1));
}

/// IEEE 123-node feeder. Counted in `123Bus/`: 126 `New Line` in `IEEE123Master.dss`, 8 of them
/// `switch=yes` (Sw1–Sw8); 8 transformers (reg1a, XFM1 in the master, 6 regulators in
/// `IEEE123Regulators.DSS`, three of them `like=`); 91 loads in `IEEE123Loads.DSS` summing to
/// 3490 kW and 1920 kvar; 132 buses (every bus name of lines, transformer `buses=`/`bus=` and
/// loads, with 150, `sort -u`).
#[test]
fn ieee123_counts() {
    let c = read(&feeders().join("opendss/IEEETestCases/123Bus/IEEE123Master.dss")).unwrap();
    assert_eq!(c.buses().len(), 132);
    assert_eq!(c.lines.len(), 126);
    assert_eq!(c.switches().count(), 8);
    assert_eq!(c.transformers.len(), 8);
    assert_eq!(c.loads.len(), 91);
    assert!((c.total_load_kw() - 3490.0).abs() < 1e-9);
    assert!((c.total_load_kvar() - 1920.0).abs() < 1e-9);
    let reg3c = c.transformers.iter().find(|t| t.name == "reg3c").unwrap();
    assert_eq!(reg3c.windings[1].bus.as_ref().unwrap().name, "25r");
    assert_eq!(reg3c.windings[0].kv, 2.402); // from like=reg3a
}

/// PowerModelsONM's IEEE 13-node feeder with microgrids. Counted in `onm/ieee13_feeder.dss`: 24
/// `New Load.` summing to 3876 kW and 2350 kvar; 21 `New Line.`, 6 with `Switch=y`, one of them
/// (801675, the tie) `enabled=n`; 2 PV systems (Pmpp 25 kW each, 35 and 210 kVA); 3 batteries
/// (50, 200, 1000 kWh; 10, 50, 250 kW); 1 generator (500 kW, 350 kvar); 2 relays and a recloser;
/// 5 eight-point load shapes. OpenDSS (opendssdirect.py 0.9.4, `.ci/crosscheck/dss_check.py`)
/// counts 24 buses and 20 lines with 5 switches: its iterators skip the disabled tie switch.
#[test]
fn onm_ieee13_microgrids() {
    let c = read(&feeders().join("onm/ieee13_feeder.dss")).unwrap();
    assert_eq!(c.loads.len(), 24);
    assert!((c.total_load_kw() - 3876.0).abs() < 1e-9);
    assert!((c.total_load_kvar() - 2350.0).abs() < 1e-9);
    assert_eq!(c.lines.len(), 21);
    assert_eq!(c.lines.iter().filter(|l| l.enabled).count(), 20);
    assert_eq!(c.buses().len(), 24);
    let open: Vec<&str> = c
        .switches()
        .filter(|l| !l.enabled)
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!((c.switches().count(), open), (6, vec!["801675"]));
    let pv: Vec<(f64, f64)> = c.pv_systems.iter().map(|p| (p.pmpp_kw, p.kva)).collect();
    assert_eq!(pv, vec![(25.0, 35.0), (25.0, 210.0)]);
    let st: Vec<(f64, f64, f64)> = c
        .storages
        .iter()
        .map(|s| (s.kwh_rated, s.kw_rated, s.kwh_stored))
        .collect();
    assert_eq!(
        st,
        vec![
            (50.0, 10.0, 5.0),
            (200.0, 50.0, 25.0),
            (1000.0, 250.0, 500.0)
        ]
    );
    assert_eq!((c.generators[0].kw, c.generators[0].kvar), (500.0, 350.0));
    assert_eq!(c.controls.len(), 3);
    assert_eq!(c.controls[0].element.as_deref(), Some("line.801675"));
    assert_eq!(c.load_shapes.len(), 5);
    assert_eq!(
        c.load_shapes[4].mult,
        vec![0.0, 0.0, 0.4, 1.0, 0.8, 0.3, 0.0, 0.0]
    );
    // `Transformer.Reg1.Taps=[…]` edits a property blackstart does not model: dropped, located.
    assert!(
        c.dropped
            .iter()
            .any(|d| d.what == "Transformer.reg1 property taps=1.0 1.0625")
    );
}
