from .build import CompetitionBuild
from .bundle_import import BundleImport
from .competition import Competition, DataFile, GalleryImage, Visibility
from .entrants import Participation, Team
from .rescore import RescoreRecord, RescoreRun
from .standing import Board, Standing
from .submission import Submission
from .teams import MergeRequest, TeamInvitation

__all__ = ["Board", "BundleImport", "Competition", "CompetitionBuild", "DataFile",
           "GalleryImage", "MergeRequest", "Participation",
           "RescoreRecord", "RescoreRun", "Standing", "Submission", "Team", "TeamInvitation",
           "Visibility"]
