"""New records with their history written in batches, as simple-history would write it one
record at a time, but without its extra reads: the import saves thousands of rows this way, and
a new session gets one history record with its coordinators on it (services.session_create)
instead of one without them and a second when they are linked."""

BATCH_SIZE = 500


def history_insert(model, objs: list, *, by) -> list:
    """The "+" history records of `objs`, saved just now without their own (by `by`)."""
    return model.history.bulk_history_create(objs, batch_size=BATCH_SIZE, default_user=by)


def links_insert(model, field_name: str, owners: list, histories: list, targets: list,
                 *, hub_id: int | None = None) -> None:
    """Many-to-many rows, and their copies on the owners' history records as simple-history
    makes them: targets[i] are the related objects of owners[i]. `hub_id`: the links' hub,
    for a link table that keeps it (CaseTopic). No m2m_changed signal is sent: a link table
    whose links something counts (CaseTopic) is recounted by the caller."""
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    extra = {} if hub_id is None else {"hub_id": hub_id}
    links = [[through(**{f"{source}_id": owner.pk, f"{target}_id": related.pk}, **extra)
              for related in targets_of_owner]
             for owner, targets_of_owner in zip(owners, targets, strict=True)]
    through.objects.bulk_create([link for group in links for link in group],
                                batch_size=BATCH_SIZE)
    history_model = getattr(model.history.model, field_name).model
    history_model.objects.bulk_create(
        [history_model(history=history, id=link.pk,
                       **{f"{source}_id": getattr(link, f"{source}_id"),
                          f"{target}_id": getattr(link, f"{target}_id")}, **extra)
         for history, group in zip(histories, links, strict=True) for link in group],
        batch_size=BATCH_SIZE)
