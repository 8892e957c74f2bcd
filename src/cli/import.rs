//! `blackstart import dss` and `blackstart import simbench`: an OpenDSS feeder or a SimBench
//! grid into a scenario file, its profile table beside it, and a report of what was counted and
//! dropped.

use super::{EXIT_BAD_INPUT, EXIT_FAILURE, Failure, Format};
use blackstart::import::{self, ImportOptions, ImportReport, Imported, ProsumerRule, Site};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Arguments of `blackstart import dss`.
#[derive(Debug, clap::Args)]
pub(crate) struct DssArgs {
    /// The master `.dss` file (it may `Redirect` to others).
    master: PathBuf,
    /// The scenario file to write (YAML); its profile table is written beside it as
    /// `<stem>.profiles.parquet`.
    #[arg(long)]
    out: PathBuf,
    /// Also write the import report (counts, totals, everything dropped) as JSON here.
    #[arg(long)]
    report: Option<PathBuf>,
    /// The scenario's name (default: the circuit's).
    #[arg(long)]
    name: Option<String>,
    /// Meter interval, s.
    #[arg(long, default_value_t = 900.0)]
    meter_interval_s: f64,
    /// Simulated days: the horizon, which the profile table covers.
    #[arg(long, default_value_t = 2.0)]
    days: f64,
    /// When the scenario's faults strike, hours after midnight of day 0 (`time.outage_at_s`).
    #[arg(long, default_value_t = 12.0)]
    outage_at_h: f64,
    /// Share of the loads that become prosumers with rooftop PV and a battery, spread evenly
    /// in the feeder's order (docs/model.md §12).
    #[arg(long, default_value_t = 0.0)]
    prosumer_share: f64,
    /// Rooftop PV of a prosumer per kW of its load's rating, kWp/kW.
    #[arg(long, default_value_t = 1.0)]
    pv_kw_per_kw: f64,
    /// Battery of a prosumer per kW of its load's rating, kWh/kW.
    #[arg(long, default_value_t = 2.0)]
    battery_kwh_per_kw: f64,
    /// Where the feeder is, `LAT,LON,UTC_OFFSET_H`: rooftop PV and PV without a shape follow
    /// the clear sky there.
    #[arg(long, value_parser = parse_site, requires = "start_date")]
    site: Option<Site>,
    /// The calendar day of simulated time 0 (ISO 8601), with `--site`.
    #[arg(long, requires = "site")]
    start_date: Option<String>,
    /// A fault at the outage time on this line, switch or transformer, by its name in the
    /// feeder (`Line.650632`); repeat for more. Default: none (add faults in a scenario that
    /// `extends:` the import).
    #[arg(long = "fault", value_name = "NAME")]
    faults: Vec<String>,
    /// Output format of the report on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// `arg` as a POSIX shell reads it back: in single quotes when it holds anything but letters,
/// digits and `-_./,:=+@%`.
fn shell_word(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./,:=+@%".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// `LAT,LON,UTC_OFFSET_H` as a site.
fn parse_site(text: &str) -> Result<Site, String> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("`{text}`: {e}"))?;
    match numbers[..] {
        [latitude_deg, longitude_deg, utc_offset_h] => Ok(Site {
            latitude_deg,
            longitude_deg,
            utc_offset_h,
        }),
        _ => Err(format!("`{text}`: three numbers, LAT,LON,UTC_OFFSET_H")),
    }
}

fn bad_input(error: impl Into<anyhow::Error>) -> Failure {
    Failure {
        error: error.into(),
        exit_code: EXIT_BAD_INPUT,
    }
}

fn failure(error: impl Into<anyhow::Error>) -> Failure {
    Failure {
        error: error.into(),
        exit_code: EXIT_FAILURE,
    }
}

/// The profile table's file name beside the scenario `out`.
fn profile_file(out: &Path) -> String {
    let stem = out
        .file_stem()
        .map_or("feeder".into(), |s| s.to_string_lossy());
    format!("{stem}.profiles.parquet")
}

pub(super) fn dss(args: DssArgs) -> Result<String, Failure> {
    let mut options = ImportOptions::new(profile_file(&args.out));
    options.name = args.name.clone();
    options.meter_interval_s = args.meter_interval_s;
    options.horizon_s = args.days * 86_400.0;
    options.outage_at_s = args.outage_at_h * 3600.0;
    options.faults = args.faults.clone();
    if args.prosumer_share > 0.0 {
        options.prosumers = Some(ProsumerRule {
            share: args.prosumer_share,
            pv_kw_per_load_kw: args.pv_kw_per_kw,
            battery_kwh_per_load_kw: args.battery_kwh_per_kw,
        });
    }
    if let (Some(site), Some(date)) = (args.site, &args.start_date) {
        options.site = Some((site, date.clone()));
    }
    let imported = import::dss::import(&args.master, &options).map_err(bad_input)?;
    let output = Output {
        out: &args.out,
        report: args.report.as_deref(),
        format: args.format,
    };
    output.write(&imported, &options)
}

/// Arguments of `blackstart import simbench`.
#[derive(Debug, clap::Args)]
pub(crate) struct SimbenchArgs {
    /// The grid's folder of SimBench CSV tables (`Node.csv`, `Line.csv`, …).
    dir: PathBuf,
    /// The grid's SimBench code (`1-LV-rural1--0-sw`): `sw` keeps the switches, `no_sw` merges
    /// the nodes closed switches join.
    #[arg(long)]
    grid: String,
    /// The scenario file to write (YAML); its profile table is written beside it as
    /// `<stem>.profiles.parquet`.
    #[arg(long)]
    out: PathBuf,
    /// Also write the import report (counts, totals, everything dropped) as JSON here.
    #[arg(long)]
    report: Option<PathBuf>,
    /// The scenario's name (default: the grid code).
    #[arg(long)]
    name: Option<String>,
    /// Meter interval, s.
    #[arg(long, default_value_t = 900.0)]
    meter_interval_s: f64,
    /// Simulated days: the horizon, which the profile table covers (default: all the days of
    /// the grid's profiles, a year).
    #[arg(long)]
    days: Option<f64>,
    /// When the scenario's faults strike, hours after midnight of the profiles' first day.
    #[arg(long, default_value_t = 12.0)]
    outage_at_h: f64,
    /// A fault at the outage time on this line, switch or transformer, by its SimBench id
    /// (`LV1.101 Line 1`); repeat for more.
    #[arg(long = "fault", value_name = "ID")]
    faults: Vec<String>,
    /// Output format of the report on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub(super) fn simbench(args: SimbenchArgs) -> Result<String, Failure> {
    let code: blackstart::simbench::GridCode = args.grid.parse().map_err(bad_input)?;
    let grid = blackstart::simbench::read(&args.dir).map_err(bad_input)?;
    let mut options = ImportOptions::new(profile_file(&args.out));
    options.name = args.name.clone();
    options.meter_interval_s = args.meter_interval_s;
    options.horizon_s = args
        .days
        .map_or(grid.load_profiles.span_s(), |days| days * 86_400.0);
    options.outage_at_s = args.outage_at_h * 3600.0;
    options.faults = args.faults.clone();
    let imported =
        import::simbench::convert(&grid, &code, &args.dir, &options).map_err(bad_input)?;
    let output = Output {
        out: &args.out,
        report: args.report.as_deref(),
        format: args.format,
    };
    output.write(&imported, &options)
}

/// Where and how an import's results go.
struct Output<'a> {
    /// The scenario file.
    out: &'a Path,
    /// The report file, if asked for.
    report: Option<&'a Path>,
    /// How the report is printed.
    format: Format,
}

impl Output<'_> {
    /// Writes the files and returns the report for stdout.
    fn write(&self, imported: &Imported, options: &ImportOptions) -> Result<String, Failure> {
        self.files(imported, options)?;
        match self.format {
            Format::Json => Ok(format!(
                "{}\n",
                serde_json::to_string_pretty(&imported.report).expect("a report serialises")
            )),
            Format::Table => Ok(self.table(&imported.report)),
        }
    }

    /// Writes the scenario (with a header saying how it was made), its profile table and the
    /// report.
    fn files(&self, imported: &Imported, options: &ImportOptions) -> Result<(), Failure> {
        let command: Vec<String> = std::env::args().skip(1).map(|a| shell_word(&a)).collect();
        let header = format!(
            "# Written by `blackstart {}`.\n# Regenerate it rather than edit it; change a copy that \
             `extends:` it instead.\n",
            command.join(" ")
        );
        let yaml = serde_yaml::to_string(&imported.scenario).expect("a scenario serialises");
        let write = |path: &Path, bytes: &[u8]| {
            blackstart::io::write_atomic(path, bytes)
                .map_err(|e| failure(anyhow::anyhow!("{}: {e}", path.display())))
        };
        write(self.out, format!("{header}{yaml}").as_bytes())?;
        if let Some(table) = &imported.profiles {
            let path = self
                .out
                .parent()
                .unwrap_or(Path::new(""))
                .join(&options.profile_file);
            let bytes = table.to_parquet().map_err(failure)?;
            write(&path, &bytes)?;
        }
        if let Some(report) = self.report {
            let json = serde_json::to_string_pretty(&imported.report).expect("a report serialises");
            write(report, json.as_bytes())?;
        }
        Ok(())
    }

    /// The human summary: counts and totals, then what was dropped grouped by reason.
    fn table(&self, report: &ImportReport) -> String {
        let c = &report.counts;
        let mut out = String::new();
        outln!(out, "{} → {}", report.source.display(), self.out.display());
        outln!(
            out,
            "  grid      {} buses, {} lines, {} switches ({} normally open), {} transformer edges",
            c.buses,
            c.lines,
            c.switches,
            c.normally_open,
            c.transformer_edges
        );
        outln!(
            out,
            "  loads     {} ({} customers), {:.2} kW, {:.2} kvar at their ratings",
            c.loads,
            c.customers,
            c.load_kw,
            c.load_kvar
        );
        outln!(
            out,
            "  DER       {} PV systems, {:.2} kW;  {} wind plants, {:.2} kW;  storage {} banks, \
             {:.2} kWh, {:.2} kW",
            c.pv_systems,
            c.pv_kw,
            c.wind_plants,
            c.wind_kw,
            c.storages,
            c.storage_kwh,
            c.storage_kw
        );
        if c.prosumers > 0 {
            outln!(
                out,
                "  added     {} prosumers: {:.2} kWp rooftop PV, {:.2} kWh batteries",
                c.prosumers,
                c.rooftop_pv_kw,
                c.rooftop_battery_kwh
            );
        }
        let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for d in &report.dropped {
            by_reason.entry(&d.reason).or_default().push(&d.what);
        }
        outln!(out, "  dropped   {} items", report.dropped.len());
        for (reason, items) in by_reason {
            let shown: Vec<&str> = items.iter().take(3).copied().collect();
            let more = items.len().saturating_sub(shown.len());
            outln!(
                out,
                "    {} × {reason}: {}{}",
                items.len(),
                shown.join(", "),
                if more > 0 {
                    format!(", and {more} more")
                } else {
                    String::new()
                }
            );
        }
        if self.report.is_none() {
            outln!(
                out,
                "  (--report FILE writes every item with its file and line)"
            );
        }
        out
    }
}
