from tests.ui.test_dashboard import loaded, SIZE, VOTING, SplitList

async def test_explore(make_app, mesh):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        for r in app.screen.query_one(SplitList).rows:
            print(r.name, r.health, r.attention, repr(r.note))
        screen.select_split(VOTING)
        await pilot.pause(0.5)
        app.save_screenshot("/tmp/ifind/s.svg")
        print(screen.presenter.checks(screen.state.split(VOTING)))
        await pilot.press("exclamation_mark")
        await pilot.pause(0.3)
        app.save_screenshot("/tmp/ifind/a.svg")
