"""The base of the messages `SplitList` posts; each carries the sender and a split reference."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from meshtui.model.split import SplitRef
    from meshtui.ui.widgets.split_list import SplitList


class SplitMessage(Message):
    """A message about one split, posted by a `SplitList`."""

    def __init__(self, split_list: SplitList, ref: SplitRef) -> None:
        """Create the message.

        Args:
            split_list: The list that posts it.
            ref: The split concerned.
        """
        super().__init__()
        self.split_list = split_list
        """The list that posted the message."""
        self.ref = ref
        """The split concerned."""

    @property
    def control(self) -> SplitList:
        """The list that posted the message."""
        return self.split_list
