from .competition import Competition, DataFile, GalleryImage
from .entrants import Participation, Team
from .submission import Submission

__all__ = ["Competition", "DataFile", "GalleryImage", "Participation", "Submission", "Team"]
