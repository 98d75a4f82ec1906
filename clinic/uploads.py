"""
Uploads in the admin stop being stored once a file is larger than a figure may be.

Django writes an upload over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file as it arrives. This
handler writes at most MAX_BYTES of each file and only counts the rest, so an oversized figure
never lands on disk in full. The file it hands to the form reports its real size, and the
figure's own check (conditions.models.validate_figure_image) then refuses it with its usual
message ("This file is too big...").
"""

from django.core.files.uploadhandler import TemporaryFileUploadHandler

from conditions.images import MAX_BYTES


class CappedUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = MAX_BYTES + 1 - self.received  # one byte past the limit shows it was passed
        if room > 0:
            self.file.write(raw_data[:room])
        self.received += len(raw_data)

    def file_complete(self, file_size: int):
        upload = super().file_complete(file_size)
        upload.size = self.received  # the size sent, not the part kept
        return upload
