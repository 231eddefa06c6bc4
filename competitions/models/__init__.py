from .competition import Competition, DataFile, GalleryImage
from .entrants import Participation, Team
from .rescore import RescoreRecord, RescoreRun
from .submission import Submission

__all__ = ["Competition", "DataFile", "GalleryImage", "Participation", "RescoreRecord",
           "RescoreRun", "Submission", "Team"]
