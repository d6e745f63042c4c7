from .reports import (
    AnnualReport,
    ReportReminder,
    ReportVersion,
    VersionState,
    report_file_path,
)

__all__ = ["AnnualReport", "ReportReminder", "ReportVersion", "VersionState", "report_file_path"]
